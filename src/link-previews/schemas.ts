import { type Static, Type } from '@sinclair/typebox'

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()])

export const LinkPreviewView = Type.Object(
  {
    url: Type.String({ description: 'The linked URL (the first link of the post text).' }),
    title: Nullable(Type.String()),
    description: Nullable(Type.String()),
    siteName: Nullable(Type.String()),
    image: Type.Union([
      Type.Object({
        url: Type.String({ description: "The page's image, re-hosted by this server (no metadata)." }),
        width: Type.Integer(),
        height: Type.Integer(),
      }),
      Type.Null(),
    ]),
  },
  { description: 'A preview card of the first link (issue 18): shown under the text, like the text.' },
)
export type LinkPreviewViewData = Static<typeof LinkPreviewView>

/** The link-previews area's fields of the post view (http/post-schemas.ts assembles them). */
export const PostLinkPreviewFields = {
  linkPreview: Type.Optional(
    Type.Union([LinkPreviewView, Type.Null()], {
      description:
        'Null while there is none: no link, not fetched yet (it is fetched once the post is public), removed, or the page had nothing to show.',
    }),
  ),
}
