import { useEffect, useRef } from 'preact/hooks'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import { locale, t } from '../app/i18n.js'

/** Month and weekday names for the time axis, in the app's language. */
function dateNames(): uPlot.DateNames {
  const lang = locale()
  const names = (n: number, at: (i: number) => Date, opts: Intl.DateTimeFormatOptions) =>
    Array.from({ length: n }, (_, i) =>
      new Intl.DateTimeFormat(lang, { ...opts, timeZone: 'UTC' }).format(at(i)),
    )
  const month = (i: number) => new Date(Date.UTC(2024, i, 1))
  const day = (i: number) => new Date(Date.UTC(2024, 0, 7 + i)) // 7 January 2024 was a Sunday
  return {
    MMMM: names(12, month, { month: 'long' }),
    MMM: names(12, month, { month: 'short' }),
    WWWW: names(7, day, { weekday: 'long' }),
    WWW: names(7, day, { weekday: 'short' }),
  }
}

export interface Series {
  label: string
  values: number[]
  color: string
  bars?: boolean
}

/**
 * A small uPlot chart sized to its container. `x` are unix seconds for time axes, or 0..n-1 with
 * `xLabels` for a per-post axis. Charts are decorative for screen readers: each page also lists the
 * same numbers in a table.
 */
export function Chart(props: {
  title: string
  x: number[]
  series: Series[]
  xLabels?: string[]
  height?: number
}) {
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const el = ref.current
    if (!el || props.x.length === 0) return
    const labels = props.xLabels
    const bars = uPlot.paths.bars?.({ size: [0.6, 48] })
    const style = getComputedStyle(el)
    const text = style.color
    // 'accent' follows the theme (light or dark), so the line keeps its contrast.
    const colour = (c: string) =>
      c === 'accent' ? style.getPropertyValue('--accent').trim() || '#0b57d0' : c
    const names = dateNames()
    const grid = { stroke: 'rgba(128,128,128,0.25)', width: 1 }
    const opts: uPlot.Options = {
      width: Math.max(280, el.clientWidth),
      height: props.height ?? 220,
      scales: { x: { time: !labels } },
      legend: { show: true },
      fmtDate: (tpl) => uPlot.fmtDate(tpl, names),
      axes: [
        {
          stroke: text,
          grid,
          ...(labels
            ? {
                incrs: [1, 2, 5, 10, 20, 50],
                values: (_u: uPlot, ticks: number[]) => ticks.map((tick) => labels[tick] ?? ''),
              }
            : {}),
        },
        { stroke: text, grid },
      ],
      series: [
        { label: labels ? t('analytics.post') : t('analytics.day') },
        ...props.series.map((s) => ({
          label: s.label,
          stroke: colour(s.color),
          fill: s.bars ? colour(s.color) : undefined,
          width: s.bars ? 0 : 2,
          paths: s.bars ? bars : undefined,
          points: { show: !s.bars && props.x.length < 40 },
        })),
      ],
    }
    const plot = new uPlot(opts, [props.x, ...props.series.map((s) => s.values)], el)
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(280, el.clientWidth), height: opts.height }),
    )
    resize.observe(el)
    return () => {
      resize.disconnect()
      plot.destroy()
    }
  }, [props.x, props.series, props.xLabels])
  return <div class="chart" ref={ref} role="img" aria-label={props.title} />
}
