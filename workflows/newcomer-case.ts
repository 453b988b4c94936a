import { allHandlersFinished, condition, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import {
  caseStatusQuery,
  withdrawUpdate,
  type AuditEntry,
  type CaseView,
  type NewcomerCaseInput,
  type NewcomerCaseResult,
} from './definitions';
import { AppointmentAt, CaseStatus, DeskLocation, Municipality, Purpose, WaitingOn } from './search-attributes';

/** One newcomer's case at the one-stop desk, from booking to its outcome. */
export async function newcomerCaseWorkflow(input: NewcomerCaseInput): Promise<NewcomerCaseResult> {
  const caseId = workflowInfo().workflowId;
  const audit: AuditEntry[] = [];
  let status: CaseView['status'] = 'open';
  const waitingOn = ['desk:check-in'];

  const view = (): CaseView => ({
    caseId,
    status,
    municipalityCode: input.residence.municipalityCode,
    purpose: input.stay.purpose,
    services: input.services,
    waitingOn: status === 'open' ? waitingOn : [],
    audit,
  });

  upsertSearchAttributes([
    { key: CaseStatus, value: status },
    { key: WaitingOn, value: waitingOn },
    { key: Municipality, value: input.residence.municipalityCode },
    { key: Purpose, value: input.stay.purpose },
    { key: DeskLocation, value: input.appointment.location },
    { key: AppointmentAt, value: new Date(input.appointment.startsAt) },
  ]);

  setHandler(caseStatusQuery, view);
  setHandler(
    withdrawUpdate,
    (request) => {
      status = 'withdrawn';
      audit.push({ at: new Date().toISOString(), actor: request.actor, action: 'withdraw', detail: request.reason });
      upsertSearchAttributes([
        { key: CaseStatus, value: status },
        { key: WaitingOn, value: null },
      ]);
      return view();
    },
    {
      validator: (_request) => {
        if (status !== 'open') throw new Error(`the case is already ${status}`);
      },
    },
  );

  await condition(() => status !== 'open');
  await condition(allHandlersFinished);
  return { caseId, status: status as NewcomerCaseResult['status'] };
}
