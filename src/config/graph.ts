import { nearest } from '../util/suggest.js';

export interface GraphNode {
  index: number;
  id: string;
  /** The ids it needs, as written. */
  needs: readonly string[];
}

/**
 * The problems of the graph that `needs` make, each as the rest of a message after the name of the list: a need
 * that names no item, an item that needs itself, and each cycle (once, named as `a → b → a`, each needing the
 * next). Every problem is reported, so one run of the workflow shows them all.
 */
export function checkGraph(nodes: readonly GraphNode[]): string[] {
  const ids = new Set(nodes.map((n) => n.id));
  const problems: string[] = [];
  const edges = new Map<string, string[]>();
  for (const node of nodes) {
    const at = `: item ${node.index} (id "${node.id}"): 'needs'`;
    const kept: string[] = [];
    for (const need of node.needs) {
      if (need === node.id) {
        problems.push(`${at} names the item itself; an agent cannot wait for its own end`);
      } else if (!ids.has(need)) {
        const guess = nearest(need, [...ids]);
        problems.push(
          `${at} names ${JSON.stringify(need)}, which no item has${guess ? `; did you mean "${guess}"?` : ''}`,
        );
      } else {
        kept.push(need);
      }
    }
    // A repeated id is reported elsewhere; the first item of an id gives its edges.
    if (!edges.has(node.id)) edges.set(node.id, kept);
  }
  for (const cycle of cycles([...edges.keys()], edges)) {
    problems.push(`: the needs form a cycle: ${cycle.join(' → ')}; no agent of it could ever start`);
  }
  return problems;
}

/**
 * One cycle for each strongly connected part of the graph with more than one node (Tarjan's algorithm), starting
 * at its earliest node in `order` and following the shortest way back to it.
 */
function cycles(order: readonly string[], edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const parts: string[][] = [];
  let counter = 0;

  // Iterative, so a long chain of needs cannot overflow the call stack.
  for (const root of order) {
    if (indexOf.has(root)) continue;
    const work: { id: string; next: number }[] = [{ id: root, next: 0 }];
    indexOf.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length) {
      const frame = work[work.length - 1]!;
      const out = edges.get(frame.id) ?? [];
      if (frame.next < out.length) {
        const to = out[frame.next++]!;
        if (!indexOf.has(to)) {
          indexOf.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          work.push({ id: to, next: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.id, Math.min(low.get(frame.id)!, indexOf.get(to)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id)!, low.get(frame.id)!));
      if (low.get(frame.id) === indexOf.get(frame.id)) {
        const part: string[] = [];
        let id: string;
        do {
          id = stack.pop()!;
          onStack.delete(id);
          part.push(id);
        } while (id !== frame.id);
        if (part.length > 1) parts.push(part);
      }
    }
  }

  const position = new Map(order.map((id, i) => [id, i]));
  return parts
    .map((part) => {
      const members = new Set(part);
      const start = [...part].sort((a, b) => position.get(a)! - position.get(b)!)[0]!;
      return [...shortestWayBack(start, members, edges), start];
    })
    .sort((a, b) => position.get(a[0]!)! - position.get(b[0]!)!);
}

/** The nodes from `start` along `edges` (within `members`) to the last one before coming back to `start`. */
function shortestWayBack(
  start: string,
  members: ReadonlySet<string>,
  edges: ReadonlyMap<string, readonly string[]>,
): string[] {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i]!;
    for (const to of edges.get(id) ?? []) {
      if (!members.has(to)) continue;
      if (to === start) {
        const way = [id];
        while (way.at(-1) !== start) way.push(cameFrom.get(way.at(-1)!)!);
        return way.reverse();
      }
      if (!cameFrom.has(to)) {
        cameFrom.set(to, id);
        queue.push(to);
      }
    }
  }
  return [start];
}
