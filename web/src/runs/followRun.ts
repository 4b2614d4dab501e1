// Why: a planner watches a run's progress bar fill: its events followed to the end, or polled when
// the stream breaks (see followResource).
import type { Progress, Run } from '../api/types'
import { followResource, type FollowHandlers as Handlers, type Following as FollowingResource } from './followResource'

export type FollowHandlers = Handlers<Run, Progress>
export type Following = FollowingResource<Run>

export function followRun(id: string, handlers: FollowHandlers): Following {
  return followResource<Run, Progress>(`/runs/${id}`, 'run', handlers)
}
