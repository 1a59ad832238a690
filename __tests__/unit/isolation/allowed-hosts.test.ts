import { describe, expect, it } from 'vitest';
import {
  hostAllowed,
  isInternalAddress,
  isPrintableHost,
  modelEndpoint,
} from '../../../src/isolation/allowed-hosts.js';

describe('hostAllowed', () => {
  const list = ['api.github.com', '*.pkgs.example.org', '10.0.0.5'];

  it('allows a name on the list, in any case, with or without the trailing dot', () => {
    expect(hostAllowed('api.github.com', list)).toBe(true);
    expect(hostAllowed('API.GitHub.com.', list)).toBe(true);
    expect(hostAllowed('10.0.0.5', list)).toBe(true);
  });

  it('allows any name below a pattern, but not the pattern’s own name or a look-alike', () => {
    expect(hostAllowed('registry.pkgs.example.org', list)).toBe(true);
    expect(hostAllowed('a.b.pkgs.example.org', list)).toBe(true);
    expect(hostAllowed('pkgs.example.org', list)).toBe(false);
    expect(hostAllowed('evilpkgs.example.org', list)).toBe(false);
    expect(hostAllowed('pkgs.example.org.evil.com', list)).toBe(false);
  });

  it('refuses names off the list and names that only contain one on it', () => {
    expect(hostAllowed('github.com', list)).toBe(false);
    expect(hostAllowed('api.github.com.evil.com', list)).toBe(false);
    expect(hostAllowed('10.0.0.50', list)).toBe(false);
  });

  it('allows anything without a list, and nothing with an empty one', () => {
    expect(hostAllowed('anything.example', undefined)).toBe(true);
    expect(hostAllowed('anything.example', [])).toBe(false);
  });
});

describe('isPrintableHost', () => {
  it('takes DNS names and IP addresses, and nothing that could carry markup or a line', () => {
    expect(isPrintableHost('registry.pkgs.example.org')).toBe(true);
    expect(isPrintableHost('::1')).toBe(true);
    expect(isPrintableHost('a\n::warning::x')).toBe(false);
    expect(isPrintableHost('<img src=x>')).toBe(false);
    expect(isPrintableHost('@someone')).toBe(false);
    expect(isPrintableHost('')).toBe(false);
  });
});

describe('modelEndpoint', () => {
  it('is a loopback port for a base URL on this machine', () => {
    expect(modelEndpoint({ ANTHROPIC_BASE_URL: 'http://127.0.0.1:4010' })).toEqual({ loopbackPort: 4010 });
    expect(modelEndpoint({ ANTHROPIC_BASE_URL: 'http://localhost:81/v1' })).toEqual({ loopbackPort: 81 });
    expect(modelEndpoint({ ANTHROPIC_BASE_URL: 'https://[::1]' })).toEqual({ loopbackPort: 443 });
  });

  it('is a host through the proxy otherwise, the public API when none is set', () => {
    expect(modelEndpoint({ ANTHROPIC_BASE_URL: 'https://gateway.example.com/anthropic' })).toEqual({
      host: 'gateway.example.com',
    });
    expect(modelEndpoint({})).toEqual({ host: 'api.anthropic.com' });
  });
});

describe('isInternalAddress', () => {
  it('is this machine and the metadata service, in either family', () => {
    for (const a of [
      '127.0.0.1',
      '127.8.9.1',
      '0.0.0.0',
      '169.254.169.254',
      '::1',
      '::',
      '::ffff:127.0.0.1',
      'fe80::1',
    ]) {
      expect(isInternalAddress(a), a).toBe(true);
    }
  });

  it('is not a public or private network address', () => {
    for (const a of ['10.0.0.5', '192.168.1.1', '140.82.112.3', '2606:4700::1111']) {
      expect(isInternalAddress(a), a).toBe(false);
    }
  });
});
