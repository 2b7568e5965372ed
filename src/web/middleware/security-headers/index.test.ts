import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { safeLocalPath, sameOriginRequest, securityHeaders } from './index.ts';

describe('securityHeaders', () => {
  it('sets the policy and headers on every answer, keeping what a route set itself', async () => {
    const app = new Hono();
    app.use('*', securityHeaders());
    app.get('/', (c) => c.text('ok'));
    app.get('/own', (c) => c.text('ok', 200, { 'Content-Security-Policy': "default-src 'none'" }));
    const res = await app.request('/');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("img-src 'self' data:");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
    expect((await app.request('/own')).headers.get('content-security-policy')).toBe("default-src 'none'");
  });

  it('lets images from anywhere when the media proxy is off', async () => {
    const app = new Hono();
    app.use(
      '*',
      securityHeaders(() => false),
    );
    app.get('/', (c) => c.text('ok'));
    expect((await app.request('/')).headers.get('content-security-policy')).toContain('img-src * data:');
  });
});

describe('sameOriginRequest', () => {
  it('accepts the own and the configured origin, refuses others and cross-site fetches', () => {
    expect(sameOriginRequest('http://127.0.0.1:8080/x', 'http://127.0.0.1:8080', undefined, undefined)).toBe(true);
    expect(
      sameOriginRequest('http://127.0.0.1:8080/x', 'https://news.example', undefined, 'https://news.example/'),
    ).toBe(true);
    expect(sameOriginRequest('http://127.0.0.1:8080/x', 'https://evil.example', undefined, undefined)).toBe(false);
    expect(sameOriginRequest('http://127.0.0.1:8080/x', 'null', undefined, undefined)).toBe(false);
    expect(sameOriginRequest('http://127.0.0.1:8080/x', undefined, 'cross-site', undefined)).toBe(false);
    expect(sameOriginRequest('http://127.0.0.1:8080/x', undefined, 'same-origin', undefined)).toBe(true);
  });
});

describe('safeLocalPath', () => {
  it('keeps local paths and replaces everything that could leave the site', () => {
    expect(safeLocalPath('/all?show=unread')).toBe('/all?show=unread');
    for (const bad of ['https://evil.example/', '//evil.example', '/\\evil.example', 'all', '/a\nb', 42]) {
      expect(safeLocalPath(bad)).toBe('/');
    }
  });
});
