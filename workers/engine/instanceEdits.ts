/**
 * An annotator's edits (hide, delete, move to another concept) applied to the instances the engine built, for
 * what the UI shows and for the export alike, so the two never disagree. Pure. Edits are keyed by instance ID,
 * which belongs to the object; an edit of an ID not in the result does nothing, and a move to a concept not in the
 * request is ignored.
 */
import type { InstanceEdit, SegmentRequest } from '../protocol/prompts';
import type { ConceptSummary } from '../protocol/results';

/** What an edit touches: the instance's ID, its concept, and its phrase where the instance carries one. */
export interface EditableInstance {
  instanceId: number;
  conceptId: string;
  conceptIndex: number;
  phrase?: string;
  hidden?: boolean;
}

/**
 * `display`: deleted instances go, hidden ones stay flagged `hidden`; `export`: hidden ones go too. Moved instances
 * take the target concept's id, index (colour family, export category) and phrase. Concept counts are recounted
 * over the instances shown.
 */
export function applyInstanceEdits<
  T extends EditableInstance,
  B extends { instances: T[]; concepts?: ConceptSummary[] },
>(built: B, request: Pick<SegmentRequest, 'concepts' | 'edits'>, use: 'display' | 'export'): B {
  const edits = request.edits ?? [];
  if (edits.length === 0) return built;
  const byId = new Map<number, InstanceEdit>(edits.map((e) => [e.instanceId, e]));
  const instances: T[] = [];
  for (const inst of built.instances) {
    const edit = byId.get(inst.instanceId);
    if (!edit) {
      instances.push(inst);
      continue;
    }
    if (edit.deleted || (edit.hidden && use === 'export')) continue;
    let out: T = inst;
    const target = edit.conceptId === undefined ? -1 : request.concepts.findIndex((c) => c.id === edit.conceptId);
    if (target >= 0 && request.concepts[target].id !== inst.conceptId) {
      const concept = request.concepts[target];
      out = {
        ...out,
        conceptId: concept.id,
        conceptIndex: target,
        ...(inst.phrase !== undefined ? { phrase: concept.phrase } : {}),
      };
    }
    if (edit.hidden) out = { ...out, hidden: true };
    instances.push(out);
  }
  const concepts = built.concepts?.map((c) => ({
    ...c,
    count: instances.filter((i) => i.conceptId === c.conceptId && !i.hidden).length,
  }));
  return { ...built, instances, ...(concepts ? { concepts } : {}) };
}
