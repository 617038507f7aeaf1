/** The interactions area's public face: what other folders may import from it (docs/architecture.md). */
export { readPolls, readPostCounts, readTallies } from './counts.js'
export type { QuestionRow } from './public-parts.js'
export { InteractionCreateFields, PostInteractionFields } from './schemas.js'
export { areResultsVisible, toReactionsView } from './views.js'
