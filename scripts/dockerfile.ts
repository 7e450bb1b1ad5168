/** The Dockerfile's facts the tests check, read with a real Dockerfile parser (ARGs expanded). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerfileParser, type Copy, type Env, type Instruction, type JSONInstruction } from 'dockerfile-ast';
import { ROOT } from './compose-file.js';

export const DOCKERFILE = join(ROOT, 'Dockerfile');

export interface DockerfileFacts {
  text: string;
  /** Every FROM's image, ARG defaults substituted (build stages referenced by name are left out). */
  baseImages: string[];
  /** Every RUN's shell command, in order, across stages. */
  runCommands: string[];
  /** The final stage's RUN commands: what the shipped image itself ran. */
  finalRunCommands: string[];
  /** What the final stage copies from other stages: `<stage>:<source>` each. */
  finalCopiesFromStages: string[];
  /** What the image runs: the final stage's CMD (exec form), USER and ENV. */
  cmd: string[];
  user?: string;
  env: Record<string, string>;
}

export function readDockerfile(text = readFileSync(DOCKERFILE, 'utf8')): DockerfileFacts {
  const dockerfile = DockerfileParser.parse(text);
  const stageNames = new Set(dockerfile.getFROMs().map((from) => from.getBuildStage()));
  const baseImages = dockerfile
    .getFROMs()
    .map((from) => from.getExpandedArguments()[0]?.getValue() ?? '')
    .filter((image) => !stageNames.has(image));

  const instructions = dockerfile.getInstructions();
  const finalStageStart = instructions.map((instruction) => instruction.getKeyword()).lastIndexOf('FROM');
  const finalStage = instructions.slice(finalStageStart);
  const last = (keyword: string): Instruction | undefined => [...finalStage].reverse().find((instruction) => instruction.getKeyword() === keyword);

  const cmdInstruction = last('CMD') as JSONInstruction | undefined;
  const cmd = cmdInstruction?.getJSONStrings().map((argument) => argument.getJSONValue()) ?? [];
  if (cmdInstruction && cmd.length === 0) throw new Error('Dockerfile CMD must use the exec form ["node", ...] so the worker gets SIGTERM itself');

  return {
    text,
    baseImages,
    runCommands: instructions.filter((instruction) => instruction.getKeyword() === 'RUN').map((instruction) => instruction.getArgumentsContent() ?? ''),
    finalRunCommands: finalStage.filter((instruction) => instruction.getKeyword() === 'RUN').map((instruction) => instruction.getArgumentsContent() ?? ''),
    finalCopiesFromStages: finalStage
      .filter((instruction): instruction is Copy => instruction.getKeyword() === 'COPY')
      .flatMap((instruction) => {
        // The parser keeps flags apart from the arguments: sources, then the destination.
        const from = instruction.getFromFlag()?.getValue();
        const sources = instruction.getArguments().map((argument) => argument.getValue()).slice(0, -1);
        return from === undefined || from === null ? [] : sources.map((source) => `${from}:${source}`);
      }),
    cmd,
    user: last('USER')?.getArgumentsContent() ?? undefined,
    env: Object.fromEntries(
      finalStage
        .filter((instruction): instruction is Env => instruction.getKeyword() === 'ENV')
        .flatMap((instruction) => instruction.getProperties().map((property) => [property.getName(), property.getValue() ?? ''])),
    ),
  };
}
