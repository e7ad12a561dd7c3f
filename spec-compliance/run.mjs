#!/usr/bin/env node
// Drives a Matrix homeserver through client flows written from the spec and checks every exchange against the
// spec's OpenAPI definitions and event schemas. Usage:
//   node run.mjs <baseUrl> [--json FILE] [--flows a,b] [--verbose] [--no-probe]
// Exit code 0 only when nothing failed.
import fs from "node:fs";
import { loadSpec } from "./lib/spec.mjs";
import { createChecker } from "./lib/validator.mjs";
import { createRecorder } from "./lib/recorder.mjs";
import { createContext } from "./lib/context.mjs";
import { probeUnimplemented } from "./lib/probe.mjs";
import { summarise, formatReport } from "./lib/report.mjs";
import { allFlows } from "./flows/index.mjs";

const usage = "usage: node run.mjs <baseUrl> [--json FILE] [--flows name,name] [--verbose] [--no-probe]";

function parseArguments(argv) {
    const options = { flows: undefined, json: undefined, verbose: false, probe: true };
    const positional = [];
    for (let i = 0; i < argv.length; i++) {
        const argument = argv[i];
        if (argument === "--json") options.json = argv[++i];
        else if (argument === "--flows") options.flows = argv[++i].split(",");
        else if (argument === "--verbose") options.verbose = true;
        else if (argument === "--no-probe") options.probe = false;
        else if (argument.startsWith("--")) throw new Error(`unknown option ${argument}\n${usage}`);
        else positional.push(argument);
    }
    if (positional.length !== 1) throw new Error(usage);
    options.baseUrl = positional[0].replace(/\/+$/, "");
    return options;
}

async function main() {
    const options = parseArguments(process.argv.slice(2));
    const started = Date.now();
    const spec = loadSpec();
    const checker = createChecker(spec);
    const recorder = createRecorder(checker, { verbose: options.verbose });
    const ctx = createContext(options.baseUrl, recorder);

    const flows = allFlows.filter((f) => !options.flows || options.flows.includes(f.name));
    for (const flow of flows) {
        recorder.flow = flow.name;
        const flowStarted = Date.now();
        try {
            await flow.run(ctx);
        } catch (error) {
            recorder.fail(`flow stopped: ${error?.message ?? error}`);
        }
        console.log(`flow ${flow.name}: ${Date.now() - flowStarted} ms`);
    }

    recorder.flow = "probe";
    const exercised = new Set(recorder.exchanges.map((x) => x.endpoint));
    let notImplemented = [];
    if (options.probe) {
        try {
            notImplemented = await probeUnimplemented(ctx, checker, exercised);
        } catch (error) {
            recorder.fail(`probe stopped: ${error?.message ?? error}`);
        }
    }

    const result = summarise(recorder, notImplemented, {
        baseUrl: options.baseUrl,
        specVersion: "v1.19",
        durationMs: Date.now() - started,
    });
    console.log(formatReport(result));
    if (options.json) fs.writeFileSync(options.json, JSON.stringify(result, null, 2));
    process.exitCode = result.failed > 0 ? 1 : 0;
}

main().then(
    () => process.exit(process.exitCode ?? 0),
    (error) => {
        console.error(error?.stack ?? String(error));
        process.exit(2);
    },
);
