import { BlockList, isIP } from 'node:net';

/** Addresses or CIDR ranges, IPv4 and IPv6, as an operator writes them: `10.0.0.0/8,::1`. */
export class AddressList {
  private readonly list = new BlockList();

  private constructor(readonly entries: string[]) {
    for (const entry of entries) {
      const [address, bits] = entry.split('/');
      const family = isIP(address ?? '') === 6 ? 'ipv6' : 'ipv4';
      if (bits === undefined) this.list.addAddress(address!, family);
      else this.list.addSubnet(address!, Number(bits), family);
    }
  }

  /**
   * Parses a comma-separated list; `none` is the empty list. Throws naming the first bad entry.
   */
  static parse(text: string): AddressList {
    const entries = text
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
    if (entries.length === 1 && entries[0] === 'none') return new AddressList([]);
    for (const entry of entries) {
      const [address, bits, extra] = entry.split('/');
      const family = isIP(address ?? '');
      const max = family === 6 ? 128 : 32;
      const badBits = bits !== undefined && (!/^\d{1,3}$/.test(bits) || Number(bits) > max);
      if (family === 0 || badBits || extra !== undefined) throw new Error(`"${entry}" is not an address or CIDR`);
    }
    return new AddressList(entries);
  }

  /** Whether the address is in the list; an IPv4 address seen as IPv6 (`::ffff:10.0.0.1`) counts as IPv4. */
  allows(address: string | undefined): boolean {
    if (!address) return false;
    const plain = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
    const family = isIP(plain);
    if (family === 0) return false;
    return this.list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
  }
}
