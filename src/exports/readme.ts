import type { Section } from './sections.js'

/** The README.md inside an archive: what the archive is, then one line per file (issue 17 point 2). */
export function archiveReadme(options: {
  title: string
  intro: string
  documents: [file: string, about: string][]
  sections: Section[]
  mediaAbout: string
}): string {
  const lines = [
    `# ${options.title}`,
    '',
    options.intro,
    '',
    'Files ending in `.jsonl` are JSON Lines: one JSON object per line. Times are ISO 8601 in UTC.',
    'The format is described in docs/export-format.md of Backlot; `manifest.json` names its version.',
    '',
    '| file | what it holds |',
    '| --- | --- |',
    '| `manifest.json` | The format name and version, when and from which server this was exported, and how many items each file has. |',
    ...options.documents.map(([file, about]) => `| \`${file}\` | ${about} |`),
    '| `README.md` | This page. |',
    ...options.sections.map((s) => `| \`${s.file}\` | ${s.about} |`),
    `| \`media/\` | ${options.mediaAbout} |`,
    '| `missing-files.txt` | Only when some image could not be read from storage while exporting: their names. |',
    '',
  ]
  return lines.join('\n')
}
