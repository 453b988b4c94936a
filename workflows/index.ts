export { newcomerCaseWorkflow } from './newcomer-case';
export { stuckCasesReportWorkflow } from './stuck-cases-report';
