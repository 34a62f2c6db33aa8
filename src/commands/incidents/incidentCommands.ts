import type { CommandDefinition } from '../commandRunner';
import { acknowledgeIncident } from './acknowledgeIncident';
import { addIncidentNote } from './addIncidentNote';
import { assignIncidentRole } from './assignIncidentRole';
import { changeIncidentSeverity } from './changeIncidentSeverity';
import { copyStatusUpdate } from './copyStatusUpdate';
import { declareIncident } from './declareIncident';
import { focusIncident } from './focusIncident';
import { openIncidentRecord, openIncidentTimeline, openIncidentTimelineFile } from './openIncidentFiles';
import { refreshIncidents, retryPendingWrites } from './refreshIncidents';
import { reopenIncident } from './reopenIncident';
import { resolveIncident } from './resolveIncident';
import { rollBackIncident } from './rollBackIncident';
import { setIncidentStatus } from './setIncidentStatus';
import { showQuickActions } from './showQuickActions';
import { starIncidentEvent } from './starIncidentEvent';
import { unstarIncidentEvent } from './unstarIncidentEvent';
import { useSeverityPreset } from './useSeverityPreset';

/** Every incident command, registered by the container from this one list. */
export const INCIDENT_COMMANDS: readonly CommandDefinition[] = [
  declareIncident, acknowledgeIncident, setIncidentStatus, changeIncidentSeverity, assignIncidentRole, addIncidentNote,
  copyStatusUpdate, resolveIncident, reopenIncident, focusIncident, openIncidentRecord, openIncidentTimeline, openIncidentTimelineFile,
  refreshIncidents, retryPendingWrites, useSeverityPreset, showQuickActions, starIncidentEvent, unstarIncidentEvent,
  rollBackIncident,
];
