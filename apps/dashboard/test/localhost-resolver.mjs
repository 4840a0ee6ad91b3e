// Preloaded into a child agent (`node --import`): *.localhost resolves to 127.0.0.1, as Chromium's
// --host-resolver-rules does for the browser, so an agent reaches its own test tenant (`e2e-….localhost:port`) by
// its domain, the same way a real agent reaches its tenant. glibc does not resolve subdomains of localhost.
import dns from 'node:dns';

const lookup = dns.lookup;
dns.lookup = function lookupLocalhost(hostname, options, callback) {
  const loopback = typeof hostname === 'string' && hostname.endsWith('.localhost');
  return lookup.call(this, loopback ? '127.0.0.1' : hostname, options, callback);
};
