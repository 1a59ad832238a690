import fs from 'node:fs';

/** Up to `bytes` of a file, from its start or its end; '' when it cannot be read. Never reads a whole log. */
export function readSlice(file: string, bytes: number, from: 'start' | 'end'): string {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const buf = Buffer.alloc(Math.min(bytes, size));
      const n = fs.readSync(fd, buf, 0, buf.length, from === 'end' ? size - buf.length : 0);
      return buf.subarray(0, n).toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '';
  }
}
