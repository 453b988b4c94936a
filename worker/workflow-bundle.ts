import path from 'node:path';
import type { BundleOptions } from '@temporalio/worker';
import { failureConverterPath } from '../lib/data-converter';

/** The path the bundler starts from: the compiled `workflows/index.js`. */
export const workflowsPath = path.resolve(__dirname, '..', 'workflows', 'index.js');

/**
 * Frames the workflow sandbox keeps of a stack. The SDK captures a stack trace for every promise a workflow
 * creates, for the UI's "Stack Trace" tab, and maps each frame through the bundle's source map: at V8's default of
 * ten frames that was two thirds of the CPU of an officer's action (an activation of check-in creates over a hundred
 * promises). Six frames still reach from the SDK's `condition` or activity call to the step that waits on it.
 * Measured with `npm run bench`; the tab and a workflow error keep the innermost six frames.
 */
export const workflowStackTraceLimit = 6;

type WebpackConfigHook = NonNullable<BundleOptions['webpackConfigHook']>;
/** The part of webpack's compiler the banner needs (webpack comes with the SDK's bundler, not as our dependency). */
interface WebpackCompiler {
  webpack: {
    BannerPlugin: new (options: { banner: string; raw: boolean; entryOnly: boolean }) => {
      apply(compiler: WebpackCompiler): void;
    };
  };
}

/**
 * Sets `Error.stackTraceLimit` in the sandbox as the bundle is loaded: the SDK freezes the sandbox's globals right
 * after, so the bundle's first line is the only place a limit can be set, and workflow code cannot change it.
 */
const stackTraceLimitBanner = {
  apply(compiler: WebpackCompiler): void {
    new compiler.webpack.BannerPlugin({
      banner: `Error.stackTraceLimit = ${workflowStackTraceLimit};`,
      raw: true,
      entryOnly: true,
    }).apply(compiler);
  },
};

/** Every bundle of workflow code goes through this hook: the workers', the prebuilt one, the tests' and the bench's. */
export const workflowWebpackConfigHook: WebpackConfigHook = (config) => ({
  ...config,
  plugins: [...(config.plugins ?? []), stackTraceLimitBanner],
});

/**
 * The bundler options of the case workflows; `workflowsPath` as in `bundleWorkflowCode`. The failure converter is
 * bundled in: workflow failures and update rejections are converted inside the bundle, by its own converter.
 */
export function caseBundleOptions(): Pick<
  BundleOptions,
  'workflowsPath' | 'webpackConfigHook' | 'failureConverterPath'
> {
  return { workflowsPath, webpackConfigHook: workflowWebpackConfigHook, failureConverterPath };
}

/**
 * Whether a prebuilt bundle's code carries the service's failure converter. The SDK says nothing when a worker's
 * data converter names a failure converter its prebuilt bundle lacks: the bundle's workflows would then write their
 * failures and update rejections in clear text. Read from webpack's module id of the converter the SDK requires.
 */
export function bundlesFailureConverter(code: string): boolean {
  return /__temporal_custom_failure_converter \*\/ "[^"]*\/lib\/failure-converter\.js"/.test(code);
}
