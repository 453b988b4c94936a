import { z } from 'zod';
import { callAgency, type AgencyEndpoint } from './http';

const BiometricsResultSchema = z.object({
  captureReference: z.string(),
  result: z.enum(['accepted', 'retake-needed']),
});
export type BiometricsResult = z.infer<typeof BiometricsResultSchema>;

/**
 * Biometric images never enter this service: the desk's capture device keeps them, and we hand IND only the
 * capture reference.
 */
export function createBiometricsActivities({ ind }: { ind: AgencyEndpoint }) {
  return {
    async submitBiometrics(input: {
      caseId: string;
      applicationNumber: string;
      captureReference: string;
    }): Promise<BiometricsResult> {
      return callAgency(ind, {
        method: 'POST',
        path: '/biometrics',
        // One key per capture: a retake is a new capture and a new submission.
        idempotencyKey: `${input.caseId}:biometrics:${input.captureReference}`,
        body: {
          caseRef: input.caseId,
          applicationNumber: input.applicationNumber,
          captureReference: input.captureReference,
        },
        response: BiometricsResultSchema,
      });
    },
  };
}
