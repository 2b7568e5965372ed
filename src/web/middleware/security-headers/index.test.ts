import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { securityHeaders } from './index.ts';

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
