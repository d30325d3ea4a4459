// Colours of protocols (packets) and groups (HAR and demo links). Versions
// of one protocol share a colour (TLSv1.2, TLSv1.3 -> TLS), so the legend
// stays short; the table keeps tshark's exact Protocol text.

const fixed = new Map([
  ['TCP', '#5b9bd5'],
  ['UDP', '#4fc1b0'],
  ['DNS', '#f2c14e'],
  ['MDNS', '#d9a93a'],
  ['HTTP', '#7bc67b'],
  ['TLS', '#b084f5'],
  ['QUIC', '#e57be0'],
  ['ICMP', '#f78154'],
  ['ARP', '#c8c8c8'],
  ['SSH', '#ff9e6d'],
  ['DHCP', '#ffd166'],
  ['NTP', '#9bd1e5'],
  ['WEBSOCKET', '#a5e36b'],
  // HAR groups
  ['browser', '#f2c14e'],
  ['server', '#5b9bd5'],
  ['url', '#7bc67b'],
]);

const cache = new Map();

// family maps a Protocol column to the name its colour and legend use.
export function family(proto) {
  if (!proto) return '';
  const p = proto.toUpperCase();
  if (p.startsWith('TLS') || p.startsWith('SSL') || p === 'DTLS') return 'TLS';
  if (p.startsWith('HTTP')) return 'HTTP';
  if (p.startsWith('ICMP')) return 'ICMP';
  if (p === 'DHCPV6' || p === 'BOOTP') return 'DHCP';
  return proto;
}

// colour returns a CSS colour for a protocol family or a group name:
// a fixed one for the common ones, else a stable hue from the name.
export function colour(name) {
  if (name === '' || name == null) return '#8a94a6';
  let c = cache.get(name);
  if (c) return c;
  c = fixed.get(name) || fixed.get(String(name).toUpperCase());
  if (!c) {
    let h = 2166136261;
    const s = String(name);
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 16777619);
    }
    c = `hsl(${(h >>> 0) % 360}, 62%, 62%)`;
  }
  if (cache.size > 4096) cache.clear();
  cache.set(name, c);
  return c;
}
