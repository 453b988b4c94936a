export { newcomerCaseWorkflow } from './newcomer-case';
