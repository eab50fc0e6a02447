import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../core/store/embeddedStore.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'kale-launcher-'));

/** The pids a process has forked and not yet reaped (Linux). */
function childrenOf(pid: number): number[] {
  try {
    return fs
      .readdirSync(`/proc/${pid}/task`)
      .flatMap((tid) => fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(' '))
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

const alive = (pid: number) => fs.existsSync(`/proc/${pid}`);
const storeModule = fileURLToPath(new URL('../../core/store/embeddedStore.ts', import.meta.url));

describe.skipIf(process.platform !== 'linux')('embedded store: compactions forked by a launcher', () => {
  it('the serving process forks nothing while it compacts: the launcher forked at open does', async () => {
    const dir = tmp();
    const store = EmbeddedStore.open(dir);
    const [launcher] = childrenOf(process.pid);
    expect(launcher).toBeGreaterThan(0);
    await store.append([{ name: 'a', points: [[1_700_000_000, 1]] }]);
    const seen = new Set<number>();
    const compactors = new Set<number>();
    const done = store.compact();
    let finished = false;
    void done.finally(() => (finished = true));
    while (!finished) {
      for (const pid of childrenOf(process.pid)) seen.add(pid);
      for (const pid of childrenOf(launcher)) compactors.add(pid);
      await new Promise((r) => setTimeout(r, 5));
    }
    await done;
    expect([...seen]).toEqual([launcher]);
    expect(compactors.size).toBe(1);
    await store.compact();
    expect(childrenOf(process.pid)).toEqual([launcher]);
    await store.close();
    expect(alive(launcher)).toBe(false);
  });

  it('a script that compacts and closes its store exits on its own, launcher and all', async () => {
    const dir = tmp();
    const script = `const { EmbeddedStore } = await import(${JSON.stringify(storeModule)});
      const store = EmbeddedStore.open(${JSON.stringify(dir)});
      await store.append([{ name: 'a', points: [[1700000000, 1]] }]);
      await store.compact();
      await store.close();`;
    const node = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: 'inherit',
    });
    const code = await new Promise((resolve) => node.once('exit', resolve));
    expect(code).toBe(0);
    expect(fs.existsSync(path.join(dir, 'kale.lock'))).toBe(false);
  });

  it('the launcher exits when its writer is killed with -9', async () => {
    const dir = tmp();
    const writer = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `const { EmbeddedStore } = await import(${JSON.stringify(storeModule)});
         EmbeddedStore.open(${JSON.stringify(dir)});
         console.log('open');
         setInterval(() => {}, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) => writer.stdout.once('data', () => resolve()));
    const [launcher] = childrenOf(writer.pid!);
    expect(launcher).toBeGreaterThan(0);
    writer.kill('SIGKILL');
    for (let i = 0; i < 200 && alive(launcher); i++) await new Promise((r) => setTimeout(r, 25));
    expect(alive(launcher)).toBe(false);
  });
});
