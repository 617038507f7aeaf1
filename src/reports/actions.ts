/**
 * What resolving a case does to the content, done by the areas that own it (wired in
 * src/context.ts): the same deletion, album edit, answer hiding, ban and suspension as the rest of
 * the API, with the same permission checks and audit entries — so "deleted" here is deleted
 * everywhere (pages, feeds, oEmbed, push, the event log's redaction), exactly as a deletion from
 * the post's own menu.
 */
export interface CaseActions {
  removePost(actorId: string, slug: string, postId: string): Promise<void>
  /** Replaces an album's image list (the images left out are deleted with their files). */
  setAlbum(actorId: string, slug: string, postId: string, mediaIds: string[]): Promise<void>
  hideAnswer(actorId: string, slug: string, postId: string, answerId: string): Promise<void>
  ban(slug: string, actorId: string, handle: string, reason: string): Promise<void>
  suspendChannel(slug: string, operatorId: string, reason: string): Promise<void>
  hideChannel(slug: string, operatorId: string): Promise<void>
}
