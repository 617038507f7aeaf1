import { describe, expect, it } from 'vitest'
import { runTool, ToolError, toolPaths } from './tools.js'

/** An input that never ends: FFmpeg's own test pattern, with no duration. */
const endless = [
  '-hide_banner',
  '-nostdin',
  '-f',
  'lavfi',
  '-i',
  'testsrc=size=320x240:rate=25',
  '-f',
  'null',
  '-',
]

describe('runTool', () => {
  it('kills FFmpeg at its time limit and says so', async () => {
    const error = await runTool('ffmpeg', endless, { timeoutMs: 500, memoryLimitBytes: 0 }).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(ToolError)
    expect((error as ToolError).isTimeout).toBe(true)
  })

  it.skipIf(toolPaths().prlimit === null)(
    'makes a run that needs more memory than its cap fail, while a small run under the same cap works',
    async () => {
      const limits = { timeoutMs: 60_000, memoryLimitBytes: 160 * 1_048_576 }
      const frame = (size: string, scale: string) => [
        ...['-hide_banner', '-nostdin', '-f', 'lavfi', '-i', `testsrc=size=${size}:rate=25:duration=1`],
        ...['-frames:v', '1', '-vf', `scale=${scale}`, '-f', 'null', '-'],
      ]
      await expect(runTool('ffmpeg', frame('320x240', '320:240'), limits)).resolves.toBeDefined()
      // One 4K frame scaled to 15360×8640 needs about 200 MB for its output frame alone.
      const error = await runTool('ffmpeg', frame('3840x2160', '15360:8640'), limits).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ToolError)
      expect((error as ToolError).isTimeout).toBe(false)
    },
  )

  it('passes arguments without a shell: metacharacters are plain text', async () => {
    const error = await runTool('ffprobe', ['-v', 'error', '/nonexistent; touch /tmp/backlot-pwned'], {
      timeoutMs: 10_000,
      memoryLimitBytes: 0,
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ToolError)
    expect((error as ToolError).stderr).toContain('/nonexistent; touch /tmp/backlot-pwned')
  })
})
