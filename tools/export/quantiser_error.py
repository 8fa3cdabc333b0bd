#!/usr/bin/env python3
"""How much of a layer's output each 4-bit quantiser loses, on weights drawn as the random full-size pack draws them.

  python tools/export/quantiser_error.py [--k 1024] [--n 1024] [--rows 256] [--std 0.02]

A [K, N] MatMul weight ~ N(0, std²) (transformers' initialiser for SAM 3's linear layers: the random pack's weights)
and activations ~ N(0, 1): prints ‖X·Ŵ − X·W‖ / ‖X·W‖ for round-to-nearest (onnxruntime's default MatMulNBits
quantiser: asymmetric with a zero point, and symmetric) and onnxruntime's HQQ, at block sizes 16–128, and 8-bit RTN
for scale. One linear layer's relative error is what every one of the ViT's 32 blocks adds to the residual stream
(quant_sensitivity.py measures that per block on the real graph).
"""

from __future__ import annotations

import argparse

import numpy as np


def rtn(w: np.ndarray, bits: int, block: int, symmetric: bool = False) -> np.ndarray:
    """Round-to-nearest in blocks of `block` along K (the input features), dequantised."""
    k, n = w.shape
    b = w.T.reshape(n, k // block, block)
    if symmetric:
        scale = np.abs(b).max(-1, keepdims=True) / (2 ** (bits - 1) - 1)
        scale[scale == 0] = 1
        q = np.clip(np.round(b / scale), -(2 ** (bits - 1)), 2 ** (bits - 1) - 1)
        d = q * scale
    else:
        lo = np.minimum(b.min(-1, keepdims=True), 0)
        hi = np.maximum(b.max(-1, keepdims=True), 0)
        scale = (hi - lo) / (2**bits - 1)
        scale[scale == 0] = 1
        zero = np.clip(np.round(-lo / scale), 0, 2**bits - 1)
        d = (np.clip(np.round(b / scale) + zero, 0, 2**bits - 1) - zero) * scale
    return d.reshape(n, k).T


def hqq(w: np.ndarray, bits: int, block: int) -> np.ndarray:
    """onnxruntime's HQQ quantiser (half-quadratic optimisation of scale and zero point), dequantised."""
    import torch
    from onnxruntime.quantization.matmul_nbits_quantizer import HQQWeightOnlyQuantConfig, HQQWeightOnlyQuantizer

    k, n = w.shape
    quantizer = HQQWeightOnlyQuantizer(HQQWeightOnlyQuantConfig(block_size=block, bits=bits))
    q, scale, zero = quantizer.quantize_internal(torch.from_numpy(w.T.copy()), bits=bits, group_size=block)
    d = (q.float().reshape(-1, block) - zero.reshape(-1, 1)) * scale.reshape(-1, 1)
    return d.reshape(n, k).T.numpy()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--k", type=int, default=1024)
    p.add_argument("--n", type=int, default=1024)
    p.add_argument("--rows", type=int, default=256)
    p.add_argument("--std", type=float, default=0.02)
    a = p.parse_args()
    rng = np.random.default_rng(0)
    w = rng.normal(0, a.std, (a.k, a.n)).astype(np.float32)
    x = rng.normal(0, 1, (a.rows, a.k)).astype(np.float32)
    y = x @ w

    def err(d: np.ndarray) -> float:
        return float(np.linalg.norm(x @ d - y) / np.linalg.norm(y))

    print("quantiser             block  relative output error")
    for block in (16, 32, 64, 128):
        print(f"4-bit RTN asymmetric  {block:5d}  {err(rtn(w, 4, block)):.4f}")
        print(f"4-bit RTN symmetric   {block:5d}  {err(rtn(w, 4, block, symmetric=True)):.4f}")
        print(f"4-bit HQQ             {block:5d}  {err(hqq(w, 4, block)):.4f}")
    print(f"8-bit RTN asymmetric  {32:5d}  {err(rtn(w, 8, 32)):.4f}")


if __name__ == "__main__":
    main()
