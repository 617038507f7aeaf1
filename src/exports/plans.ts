import type { Db } from '../db/database.js'
import type { ChannelRow } from '../db/schema.js'
import {
  channelDocument,
  channelMediaFiles,
  channelSections,
  countChannelMediaFiles,
} from './channel-sections.js'
import { countPersonMediaFiles, personMediaFiles, personProfile, personSections } from './person-sections.js'
import { archiveReadme } from './readme.js'
import type { ArchivePlan } from './write-archive.js'

/** The archive format's names and versions (docs/export-format.md); `backlot import` checks them. */
export const PERSON_FORMAT = 'backlot-person-export'
export const CHANNEL_FORMAT = 'backlot-channel-export'
export const FORMAT_VERSION = 1

export async function personPlan(
  db: Db,
  accountId: string,
  server: string,
  at: number,
): Promise<ArchivePlan> {
  const profile = await personProfile(db, accountId)
  const sections = personSections(accountId)
  const manifest = {
    format: PERSON_FORMAT,
    version: FORMAT_VERSION,
    exportedAt: new Date(at).toISOString(),
    server,
    account: profile.handle,
  }
  return {
    documents: [
      ['manifest.json', manifest],
      ['profile.json', profile],
    ],
    readme: archiveReadme({
      title: `Everything Backlot holds about @${profile.handle}`,
      intro: `Exported from ${server} on ${manifest.exportedAt}. It holds your own data only: nothing here describes another person, and no password, session secret, token or push key is included.`,
      documents: [['profile.json', 'Your account: handle, display name, email, language, when it was made.']],
      sections,
      mediaAbout: 'The originals of the images you uploaded, named by media id (see media.jsonl).',
    }),
    sections,
    media: {
      count: (d) => countPersonMediaFiles(d, accountId),
      files: (d) => personMediaFiles(d, accountId),
    },
  }
}

export async function channelPlan(
  db: Db,
  channel: ChannelRow,
  server: string,
  at: number,
): Promise<ArchivePlan> {
  const sections = channelSections(channel)
  const manifest = {
    format: CHANNEL_FORMAT,
    version: FORMAT_VERSION,
    exportedAt: new Date(at).toISOString(),
    server,
    channel: channel.slug,
  }
  return {
    documents: [
      ['manifest.json', manifest],
      ['channel.json', await channelDocument(db, channel)],
    ],
    readme: archiveReadme({
      title: `The channel "${channel.title}" (${channel.slug})`,
      intro: `Exported from ${server} on ${manifest.exportedAt}. \`backlot import\` reads this archive back into a server as an equal channel. Fans' personal data (who is a member, who reacted or voted, prompt answers) is not included; polls keep their totals.`,
      documents: [
        [
          'channel.json',
          'The channel: slug, title, description, visibility, join policy, reactions, production facts, the number of members.',
        ],
      ],
      sections,
      mediaAbout:
        'The originals of the album images, named by media id; for a video or voice note, a folder media/<id>/ with its renditions, poster and caption tracks (see media.jsonl).',
    }),
    sections,
    media: {
      count: (d) => countChannelMediaFiles(d, channel.id),
      files: (d) => channelMediaFiles(d, channel.id),
    },
  }
}
