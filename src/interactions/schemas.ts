import { type Static, Type } from '@sinclair/typebox'
import { limits } from './limits.js'

/** TypeBox schemas of the interactions area: request bodies, and the parts it adds to the post view. */

const Iso = Type.String({ format: 'date-time' })
const IsoOrNull = Type.Union([Iso, Type.Null()])

export const PostParams = Type.Object({
  slug: Type.String({ minLength: 1, maxLength: 100 }),
  id: Type.String({ minLength: 1, maxLength: 100 }),
})
export const AnswerParams = Type.Object({
  slug: Type.String({ minLength: 1, maxLength: 100 }),
  id: Type.String({ minLength: 1, maxLength: 100 }),
  answerId: Type.String({ minLength: 1, maxLength: 100 }),
})

// ---- post creation (assembled into the create body by src/http/post-schemas.ts) ------------------

export const CreatePollBody = Type.Object(
  {
    question: Type.String({ minLength: 1, maxLength: limits.questionMax }),
    options: Type.Array(Type.String({ minLength: 1, maxLength: limits.optionMax }), {
      minItems: limits.optionsMin,
      maxItems: limits.optionsMax,
    }),
    multiple: Type.Optional(Type.Boolean({ description: 'Members may choose several options.' })),
    quiz: Type.Optional(
      Type.Object(
        {
          correctOption: Type.Integer({ minimum: 0, maximum: limits.optionsMax - 1 }),
          explanation: Type.Optional(Type.String({ maxLength: limits.explanationMax })),
        },
        { additionalProperties: false },
      ),
    ),
    closesAt: Type.Optional(
      Type.String({ format: 'date-time', description: 'The poll closes by itself at this time.' }),
    ),
    resultsVisibility: Type.Optional(
      Type.Union([Type.Literal('always'), Type.Literal('after-close')], {
        description: "'always' (default): counts are public at once; 'after-close': only once closed.",
      }),
    ),
  },
  { additionalProperties: false },
)
export type CreatePollInput = Static<typeof CreatePollBody>

export const CreatePromptBody = Type.Object(
  { question: Type.String({ minLength: 1, maxLength: limits.questionMax }) },
  { additionalProperties: false },
)
export type CreatePromptInput = Static<typeof CreatePromptBody>

/** What the interactions area adds to a post's create request (parts.ts: a poll or a prompt post). */
export const InteractionCreateFields = {
  poll: Type.Optional(CreatePollBody),
  prompt: Type.Optional(CreatePromptBody),
}

// ---- request bodies -------------------------------------------------------------------------------

export const ReactionBody = Type.Object(
  { emoji: Type.String({ minLength: 1, maxLength: 32, description: "One emoji of the channel's set." }) },
  { additionalProperties: false },
)
export const VoteBody = Type.Object(
  {
    options: Type.Array(Type.Integer({ minimum: 0, maximum: 1000 }), {
      minItems: 1,
      maxItems: limits.optionsMax,
      uniqueItems: true,
      description: 'Option numbers (0-based); exactly one unless the poll is multiple choice.',
    }),
  },
  { additionalProperties: false },
)
export const AnswerBody = Type.Object(
  { text: Type.String({ minLength: 1, maxLength: limits.answerMax }) },
  { additionalProperties: false },
)
export const AnswerListQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
})
export const ReactorListQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  emoji: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
})

// ---- parts of the post view -----------------------------------------------------------------------

export const ReactionsView = Type.Object({
  enabled: Type.Boolean({ description: 'False when the channel turned reactions off.' }),
  counts: Type.Array(Type.Object({ emoji: Type.String(), count: Type.Integer() }), {
    description: "Every emoji of the channel's set, in its order, zeros included.",
  }),
  total: Type.Integer(),
  mine: Type.Union([Type.String(), Type.Null()], { description: "The viewer's own reaction." }),
})
export type ReactionsViewData = Static<typeof ReactionsView>

export const PollView = Type.Object({
  question: Type.String(),
  options: Type.Array(
    Type.Object({
      text: Type.String(),
      votes: Type.Union([Type.Integer(), Type.Null()], { description: 'Null while results are hidden.' }),
    }),
  ),
  multiple: Type.Boolean(),
  quiz: Type.Boolean(),
  resultsVisibility: Type.Union([Type.Literal('always'), Type.Literal('after-close')]),
  resultsVisible: Type.Boolean(),
  totalVoters: Type.Integer(),
  closesAt: IsoOrNull,
  closed: Type.Boolean(),
  closedAt: IsoOrNull,
  myVote: Type.Union([Type.Array(Type.Integer()), Type.Null()]),
  correctOption: Type.Union([Type.Integer(), Type.Null()], {
    description: 'Quiz only, once the viewer voted or the poll closed.',
  }),
  explanation: Type.Union([Type.String(), Type.Null()]),
})
export type PollViewData = Static<typeof PollView>

export const HighlightedAnswerView = Type.Object({
  id: Type.String(),
  text: Type.String(),
  author: Type.Object({ displayName: Type.String() }),
  highlightedAt: Iso,
})

export const PromptView = Type.Object({
  question: Type.String(),
  highlighted: Type.Array(HighlightedAnswerView),
  myAnswer: Type.Union([
    Type.Object({ id: Type.String(), text: Type.String(), createdAt: Iso, highlighted: Type.Boolean() }),
    Type.Null(),
  ]),
})
export type PromptViewData = Static<typeof PromptView>

/** The optional fields the interactions area adds to the post view (hydrate.ts; http/post-schemas.ts). */
export const PostInteractionFields = {
  reactions: Type.Optional(ReactionsView),
  poll: Type.Optional(PollView),
  prompt: Type.Optional(PromptView),
  views: Type.Optional(
    Type.Integer({ description: 'Unique member viewers plus approximate anonymous views.' }),
  ),
}

// ---- responses ------------------------------------------------------------------------------------

export const ReactionResult = Type.Object({
  emoji: Type.Union([Type.String(), Type.Null()]),
  changed: Type.Boolean({ description: 'False when the reaction was already this one.' }),
})

export const VoteResult = Type.Object({ poll: PollView })

export const AnswerView = Type.Object({
  id: Type.String(),
  text: Type.String(),
  author: Type.Object({ handle: Type.String(), displayName: Type.String() }),
  createdAt: Iso,
  highlighted: Type.Boolean(),
  highlightedAt: IsoOrNull,
  hidden: Type.Boolean(),
  hiddenAt: IsoOrNull,
  /** False once the author left or was banned: the answer no longer shows publicly. */
  authorIsMember: Type.Boolean(),
})
export type AnswerViewData = Static<typeof AnswerView>

export const AnswerPage = Type.Object({
  items: Type.Array(AnswerView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
})

export const MyAnswerView = Type.Object({
  id: Type.String(),
  text: Type.String(),
  createdAt: Iso,
  highlighted: Type.Boolean(),
})

export type MyAnswerViewData = Static<typeof MyAnswerView>

export const Reactor = Type.Object({
  handle: Type.String(),
  displayName: Type.String(),
  emoji: Type.String(),
  reactedAt: Iso,
})
export type ReactorData = Static<typeof Reactor>
export const ReactorPage = Type.Object({
  items: Type.Array(Reactor),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
})

export const StatsView = Type.Object({
  views: Type.Object({
    members: Type.Integer({ description: 'Unique viewers who are members now.' }),
    anonymous: Type.Integer({ description: 'Approximate views by non-members (public channels).' }),
    total: Type.Integer(),
  }),
  reactions: Type.Object({
    total: Type.Integer(),
    byEmoji: Type.Array(
      Type.Object({
        emoji: Type.String(),
        count: Type.Integer(),
        recent: Type.Array(Type.Object({ handle: Type.String(), displayName: Type.String() }), {
          description: `The latest ${limits.statsReactors} who reacted with it; the full list is …/reactions.`,
        }),
      }),
    ),
  }),
  poll: Type.Union([
    Type.Object({ totalVoters: Type.Integer(), votes: Type.Array(Type.Integer()), closed: Type.Boolean() }),
    Type.Null(),
  ]),
  answers: Type.Union([
    Type.Object({ total: Type.Integer(), highlighted: Type.Integer(), hidden: Type.Integer() }),
    Type.Null(),
  ]),
})
export type StatsViewData = Static<typeof StatsView>
