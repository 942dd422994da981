// The command line's providers: keys and base URLs from the providers' standard environment
// variables, as their SDKs read them; the working folder is trusted, `--offline` means render only.
import { createProviders, type ProvidersConfig, type RunProviders } from '../service/testing';

export type CliProviderOptions = Omit<ProvidersConfig, 'keys' | 'baseUrls' | 'trusted' | 'offline'> & { offline?: boolean };

export function cliProviders(env: NodeJS.ProcessEnv, options: CliProviderOptions = {}): RunProviders {
  const { offline, ...rest } = options;
  return createProviders({
    ...rest,
    // The Gemini SDK's own names: GOOGLE_API_KEY wins over GEMINI_API_KEY, as in the SDK.
    keys: { openai: env.OPENAI_API_KEY, anthropic: env.ANTHROPIC_API_KEY, 'azure-openai': env.AZURE_OPENAI_API_KEY, googleai: env.GOOGLE_API_KEY || env.GEMINI_API_KEY, github: env.GITHUB_TOKEN },
    baseUrls: { openai: env.OPENAI_BASE_URL, anthropic: env.ANTHROPIC_BASE_URL, 'azure-openai': env.AZURE_OPENAI_ENDPOINT, googleai: env.GOOGLE_GEMINI_BASE_URL, vertexai: env.GOOGLE_VERTEX_BASE_URL, github: env.GITHUB_MODELS_BASE_URL },
    // The SDK's own variable for the API version.
    azureApiVersion: env.OPENAI_API_VERSION,
    vertex: { project: env.GOOGLE_CLOUD_PROJECT, location: env.GOOGLE_CLOUD_LOCATION },
    trusted: true,
    offline: offline ? '--offline runs only render cases' : undefined,
  });
}
