import { type Command, Option } from 'commander';
import { UsageError } from '../../core/cli.js';
import type { KaleConfig } from '../../core/config/schema.js';
import { PROTOS, type Proto } from './sender.js';

/** Adds `--proto` and the flags naming the running Kale to send to (the same names `kale start` binds). */
export function withTargetOptions(cmd: Command, defaultProto: Proto): Command {
  return cmd
    .addOption(
      new Option(
        '--proto <proto>',
        'protocol to send with: msgpack UDP, pickle TCP, pickle UDP or plaintext TCP',
      )
        .choices(PROTOS)
        .default(defaultProto),
    )
    .option('--host <addr>', 'host the running kale listens on (default 127.0.0.1)')
    .option('--pickle-port <port>', 'its pickle port (default 2024), for --proto pickle and pickle-udp')
    .option('--udp-port <port>', 'its msgpack UDP port (default 2025), for --proto udp')
    .option('--line-port <port>', 'its plaintext port (default 2003), for --proto line');
}

/** Where to send `proto` points: the configured host (a wildcard bind means this machine) and port. */
export function senderTarget(config: KaleConfig, proto: Proto): { host: string; port: number } {
  const [flag, port] =
    proto === 'udp'
      ? ['--udp-port', config.horizon.udpPort]
      : proto === 'line'
        ? ['--line-port', config.horizon.linePort]
        : ['--pickle-port', config.horizon.picklePort];
  if (port === 'off' || port === 0)
    throw new UsageError(
      `${flag}: give the port the running kale listens on (its "kale ready" line names it)`,
    );
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return { host, port };
}
