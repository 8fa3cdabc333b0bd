/** A graph does not have the contract its manifest claims. */
export class ContractError extends Error {
  readonly code = 'pack-contract' as const;
  constructor(
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'ContractError';
  }
}

/** Checks that a graph declares the names a contract needs; the message lists what it has instead. */
export function requireNames(
  graph: string,
  contract: string,
  kind: 'input' | 'output',
  declared: readonly string[],
  required: readonly string[],
): void {
  const missing = required.filter((n) => !declared.includes(n));
  if (missing.length > 0) {
    throw new ContractError(
      `${graph} does not have the ${contract} contract: it lacks ${kind}${missing.length > 1 ? 's' : ''} ` +
        `${missing.map((m) => `'${m}'`).join(', ')} (it declares ${declared.map((d) => `'${d}'`).join(', ') || 'none'}).`,
    );
  }
}
