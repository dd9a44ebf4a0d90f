import { AddressList } from './address-list.js';

describe('AddressList', () => {
  it('matches loopback in both families, and IPv4 seen as IPv6', () => {
    const list = AddressList.parse('127.0.0.0/8, ::1');
    expect(list.allows('127.0.0.1')).toBe(true);
    expect(list.allows('127.8.9.10')).toBe(true);
    expect(list.allows('::ffff:127.0.0.1')).toBe(true);
    expect(list.allows('::1')).toBe(true);
    expect(list.allows('10.0.0.1')).toBe(false);
    expect(list.allows('::2')).toBe(false);
    expect(list.allows(undefined)).toBe(false);
    expect(list.allows('not-an-address')).toBe(false);
  });

  it('takes single addresses and IPv6 ranges', () => {
    const list = AddressList.parse('10.1.2.3,fd00::/8');
    expect(list.allows('10.1.2.3')).toBe(true);
    expect(list.allows('10.1.2.4')).toBe(false);
    expect(list.allows('fd12:3456::1')).toBe(true);
  });

  it('"none" allows nothing', () => {
    const list = AddressList.parse('none');
    expect(list.entries).toEqual([]);
    expect(list.allows('127.0.0.1')).toBe(false);
  });

  it.each(['10.0.0.0/33', 'example.org', '10.0.0.0/8/1', '::1/129', '10.0.0.0/x'])('refuses %s', (text) => {
    expect(() => AddressList.parse(text)).toThrow(/not an address or CIDR/);
  });
});
