// Why: an analysis is a batch of runs that can take tens of seconds; the planner watches it count its
// runs: its events followed to the end, or polled when the stream breaks (see runs/followResource).
import type { Analysis, AnalysisProgress } from '../api/types'
import { followResource, type FollowHandlers, type Following } from '../runs/followResource'

export type AnalysisHandlers = FollowHandlers<Analysis, AnalysisProgress>
export type FollowingAnalysis = Following<Analysis>

export function followAnalysis(id: string, handlers: AnalysisHandlers): FollowingAnalysis {
  return followResource<Analysis, AnalysisProgress>(`/analyses/${id}`, 'analysis', handlers)
}
