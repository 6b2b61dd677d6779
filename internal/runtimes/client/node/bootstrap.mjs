// Lambent's runtime client for Node.js: the Lambda Runtime API (2018-06-01)
// loop, with the behaviour of AWS's aws-lambda-nodejs-runtime-interface-client
// (v3, the one behind nodejs20.x). Node.js standard library only.
//
// Started as `node bootstrap.mjs` with AWS_LAMBDA_RUNTIME_API, _HANDLER and
// LAMBDA_TASK_ROOT in the environment.

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import util from 'node:util';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const API = '/2018-06-01/runtime';
const ERROR_TYPE_HEADER = 'Lambda-Runtime-Function-Error-Type';

// ---------------------------------------------------------------- errors

class ImportModuleError extends Error {}
class HandlerNotFound extends Error {}
class MalformedHandlerName extends Error {}
class UserCodeSyntaxError extends Error {}
class MarshalError extends Error {}
class UnmarshalError extends Error {}
class NodeJsExit extends Error {
  constructor() {
    super(
      'The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly caused by a ' +
        'Promise that was never settled. For more information, see ' +
        'https://nodejs.org/docs/latest/api/process.html#exit-codes',
    );
  }
}
class UnhandledPromiseRejection extends Error {
  constructor(reason, promise) {
    super(reason);
    this.reason = reason;
    this.promise = promise;
  }
}
for (const cls of [ImportModuleError, HandlerNotFound, MalformedHandlerName, UserCodeSyntaxError,
  MarshalError, UnmarshalError, NodeJsExit, UnhandledPromiseRejection]) {
  cls.prototype.name = `Runtime.${cls.name}`;
}

function isErrorLike(v) {
  return v && typeof v.name === 'string' && typeof v.message === 'string' && typeof v.stack === 'string';
}

// toRapidResponse is the error document the Runtime API receives; AWS's Node
// runtimes name the stack lines "trace".
function toRapidResponse(error) {
  try {
    if (util.types.isNativeError(error) || isErrorLike(error)) {
      return {
        errorType: error.name,
        errorMessage: error.message,
        trace: typeof error.stack === 'string' ? error.stack.split('\n') : [],
      };
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage: 'callback called with Error argument, but there was a problem while retrieving one or more ' +
        'of its message, name, and stack',
      trace: [],
    };
  }
}

// toFormatted renders an error for the log the way AWS does: a tab, then JSON.
function toFormatted(error) {
  const withProps = (_k, v) => {
    if (!(v instanceof Error)) return v;
    const out = Object.assign({ errorType: v.name, errorMessage: v.message, code: v.code }, v);
    if (typeof v.stack === 'string') out.stack = v.stack.split('\n');
    return out;
  };
  try {
    return '\t' + JSON.stringify(error, withProps);
  } catch {
    return '\t' + JSON.stringify(toRapidResponse(error));
  }
}

const intoError = (err) => (err instanceof Error ? err : new Error(err));

// ---------------------------------------------------------------- logging

let currentRequestId; // undefined until the first invoke, as in AWS's logs

// patchConsole makes console.* write one line per call:
// "<ISO time>\t<request id>\t<LEVEL>\t<message>", with newlines inside the
// message turned into carriage returns so that a log line is one event.
function patchConsole() {
  const levels = { TRACE: 1, DEBUG: 2, INFO: 3, WARN: 4, ERROR: 5, FATAL: 6 };
  const min = levels[(process.env.AWS_LAMBDA_LOG_LEVEL || '').toUpperCase()] || levels.TRACE;
  const logger = (level) => {
    if (levels[level] < min) return () => {};
    return (message, ...params) => {
      const text = util.format(message, ...params);
      const line = `${new Date().toISOString()}\t${currentRequestId}\t${level}\t${text}`;
      process.stdout.write(line.replace(/\n/g, '\r') + '\n');
    };
  };
  console.trace = logger('TRACE');
  console.debug = logger('DEBUG');
  console.info = logger('INFO');
  console.log = console.info;
  console.warn = logger('WARN');
  console.error = logger('ERROR');
  console.fatal = logger('FATAL');
}

const logError = (label, err) => console.error(label, toFormatted(intoError(err)));

// ---------------------------------------------------------------- Runtime API client

class RuntimeClient {
  constructor(address) {
    const i = address.lastIndexOf(':');
    this.hostname = address.slice(0, i).replace(/^\[(.*)\]$/, '$1');
    this.port = Number(address.slice(i + 1));
    // One kept-alive socket for the whole process: warm invokes pay no connect.
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  }

  request(method, urlPath, body, headers, retried = false) {
    return new Promise((resolve, reject) => {
      const req = http.request(
        { hostname: this.hostname, port: this.port, path: urlPath, method, headers, agent: this.agent },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () =>
            resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      req.on('error', (err) => {
        // A kept-alive socket the server closed while idle fails on reuse; the
        // request never reached the server, so one retry is safe.
        if (req.reusedSocket && !retried && err.code === 'ECONNRESET') {
          resolve(this.request(method, urlPath, body, headers, true));
        } else {
          reject(err);
        }
      });
      req.end(body);
    });
  }

  async next() {
    const res = await this.request('GET', `${API}/invocation/next`);
    if (res.status !== 200) {
      throw new Error(`Runtime API /invocation/next answered ${res.status}: ${res.body}`);
    }
    return res;
  }

  async post(urlPath, body, headers) {
    const res = await this.request('POST', urlPath, body, Object.assign({
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(body),
    }, headers));
    if (res.status !== 202) {
      process.stderr.write(`Runtime API POST ${urlPath} answered ${res.status}: ${res.body}\n`);
    }
  }

  postResponse(id, body) {
    return this.post(`${API}/invocation/${encodeURIComponent(id)}/response`, body);
  }

  postError(id, error) {
    return this.post(`${API}/invocation/${encodeURIComponent(id)}/error`,
      JSON.stringify(toRapidResponse(error)), { [ERROR_TYPE_HEADER]: 'Unhandled' });
  }

  postInitError(error) {
    const doc = toRapidResponse(error);
    return this.post(`${API}/init/error`, JSON.stringify(doc), { [ERROR_TYPE_HEADER]: doc.errorType });
  }
}

// ---------------------------------------------------------------- handler loading

// packageTypeIsModule reports whether the nearest package.json above folder
// says "type": "module". A node_modules folder ends the search.
function packageTypeIsModule(folder) {
  for (;;) {
    if (folder.endsWith('/node_modules')) return false;
    const pj = path.join(folder, 'package.json');
    if (fs.existsSync(pj)) {
      try {
        return JSON.parse(fs.readFileSync(pj, 'utf8'))?.type === 'module';
      } catch (err) {
        console.warn(`${pj} cannot be read, it will be ignored for ES module detection purposes.`, err);
        return false;
      }
    }
    const parent = path.dirname(folder);
    if (parent === folder) return false;
    folder = parent;
  }
}

// loadModule loads "<appRoot>/<moduleRoot>/<name>" in AWS's order: the exact
// file, .js (CommonJS unless package.json says module), .mjs, .cjs, then a
// node_modules package of that name.
async function loadModule(appRoot, moduleRoot, name) {
  const base = path.resolve(appRoot, moduleRoot, name);
  const tryRequire = (file) => (fs.existsSync(file) ? require(file) : undefined);
  const tryImport = async (file) => (fs.existsSync(file) ? import(pathToFileURL(file).href) : undefined);
  try {
    const exact = tryRequire(base);
    if (exact) return exact;
    const esm = packageTypeIsModule(path.dirname(base));
    if (!esm) {
      const cjs = tryRequire(base + '.js');
      if (cjs) return cjs;
    }
    const loaded = (esm && (await tryImport(base + '.js'))) || (await tryImport(base + '.mjs')) ||
      tryRequire(base + '.cjs');
    if (loaded) return loaded;
    return require(require.resolve(name, { paths: [appRoot, path.resolve(appRoot, moduleRoot)] }));
  } catch (err) {
    if (err instanceof SyntaxError) throw new UserCodeSyntaxError(err);
    if (err && (err.code === 'MODULE_NOT_FOUND' || err.code === 'ERR_MODULE_NOT_FOUND')) {
      throw new ImportModuleError(err);
    }
    throw err;
  }
}

// loadHandler resolves a handler string such as "index.handler",
// "src/app.handler" or "index.nested.fn" under appRoot.
async function loadHandler(appRoot, fullHandler) {
  if (!fullHandler) throw new MalformedHandlerName('Bad handler');
  if (fullHandler.includes('..')) {
    throw new MalformedHandlerName(`'${fullHandler}' is not a valid handler name. ` +
      'Use absolute paths when specifying root directories in handler names.');
  }
  const handlerString = path.basename(fullHandler);
  const moduleRoot = fullHandler.slice(0, fullHandler.length - handlerString.length);
  const match = handlerString.match(/^([^.]*)\.(.*)$/);
  if (!match) throw new MalformedHandlerName('Bad handler');
  const [, moduleName, handlerPath] = match;
  const app = await loadModule(appRoot, moduleRoot, moduleName);
  const fn = handlerPath.split('.').reduce((obj, key) => obj && obj[key], app);
  if (!fn) throw new HandlerNotFound(`${fullHandler} is undefined or not exported`);
  if (typeof fn !== 'function') throw new HandlerNotFound(`${fullHandler} is not a function`);
  return fn;
}

// ---------------------------------------------------------------- invoke loop

// beforeExit runs when the event loop has nothing left to do: that is how a
// callback handler's result waits for an empty event loop, and how a handler
// that never answers is detected.
let beforeExit = () => {};

function parseJsonHeader(value, name) {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value);
  } catch (err) {
    throw new Error(`Cannot parse ${name} as json: ${err.toString()}`);
  }
}

function environmentData() {
  const env = process.env;
  return {
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
  };
}

function headerData(headers) {
  const deadline = Number.parseInt(headers['lambda-runtime-deadline-ms'], 10);
  return {
    clientContext: parseJsonHeader(headers['lambda-runtime-client-context'], 'ClientContext'),
    identity: parseJsonHeader(headers['lambda-runtime-cognito-identity'], 'CognitoIdentity'),
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    awsRequestId: headers['lambda-runtime-aws-request-id'],
    tenantId: headers['lambda-runtime-aws-tenant-id'],
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
}

// serialize returns the response body for a handler result, or throws
// MarshalError.
function serialize(result) {
  try {
    const body = JSON.stringify(result === undefined ? null : result);
    return body === undefined ? 'null' : body;
  } catch (err) {
    throw new MarshalError(`Unable to stringify response body: ${err.message}`);
  }
}

// die ends the process when the Runtime API itself fails: there is nobody
// left to report to.
function die(err) {
  process.stderr.write(`Runtime client failed: ${err?.stack || err}\n`);
  process.exit(1);
}

class Runtime {
  constructor(client, handler, errorCallbacks) {
    this.client = client;
    this.handler = handler;
    this.isAsync = handler.constructor?.name === 'AsyncFunction';
    this.errorCallbacks = errorCallbacks;
  }

  scheduleIteration() {
    setImmediate(() => this.handleOnce().catch(die));
  }

  async handleOnce() {
    const { headers, body } = await this.client.next();
    const id = headers['lambda-runtime-aws-request-id'];
    currentRequestId = id;
    const trace = headers['lambda-runtime-trace-id'];
    if (trace) process.env._X_AMZN_TRACE_ID = trace;
    else delete process.env._X_AMZN_TRACE_ID;

    this.errorCallbacks.uncaughtException = (err) => this.fatal(id, err, 129);
    this.errorCallbacks.unhandledRejection = (err) => this.fatal(id, err, 128);

    const next = () => this.scheduleIteration();
    const [callback, callbackContext, markCompleted] = this.callbackContext(id, next);
    beforeExit = () => {
      markCompleted();
      if (this.isAsync) {
        const err = new NodeJsExit();
        logError('Invoke Error', err);
        this.client.postError(id, err).then(next, die);
      } else {
        this.client.postResponse(id, 'null').then(next, die);
      }
    };

    let event;
    let context;
    try {
      event = body.length === 0 ? null : JSON.parse(body);
    } catch (err) {
      callback(new UnmarshalError(`Unable to unmarshal input: ${err.message}`));
      return;
    }
    try {
      context = Object.assign(callbackContext, environmentData(), headerData(headers));
      const result = this.handler(event, context, callback);
      if (result && typeof result.then === 'function') {
        result.then(callbackContext.succeed, callbackContext.fail).catch(callbackContext.fail);
      }
    } catch (err) {
      callback(err);
    }
  }

  // fatal reports an error that escaped the handler, then exits: the
  // environment is not reused.
  fatal(id, err, code) {
    this.client.postError(id, err).finally(() => process.exit(code));
  }

  // callbackContext builds the handler's callback and the context's
  // succeed/fail/done and callbackWaitsForEmptyEventLoop. Only the first
  // call of any of them counts.
  callbackContext(id, next) {
    const client = this.client;
    let waitForEmptyEventLoop = true;
    let completed = false;
    let finished = false;

    const postError = (err) => {
      logError('Invoke Error', err);
      client.postError(id, err).then(next, die);
    };
    const complete = (result) => {
      if (completed) {
        console.error('Invocation has already been reported as done. Cannot call complete more than once per invocation.');
        return;
      }
      completed = true;
      let body;
      try {
        body = serialize(result);
      } catch (err) {
        postError(err);
        return;
      }
      client.postResponse(id, body).then(next, die);
    };
    const callback = (err, result) => {
      beforeExit = () => {};
      if (err !== undefined && err !== null) {
        postError(err);
      } else if (!waitForEmptyEventLoop) {
        complete(result);
      } else {
        beforeExit = () => setImmediate(() => complete(result));
      }
    };
    const done = (err, result) => {
      beforeExit = () => {};
      if (err !== undefined && err !== null) postError(err);
      else complete(result);
    };
    const once = (fn) => (...args) => {
      if (!finished) {
        finished = true;
        fn(...args);
      }
    };
    const callbackContext = {
      get callbackWaitsForEmptyEventLoop() {
        return waitForEmptyEventLoop;
      },
      set callbackWaitsForEmptyEventLoop(value) {
        waitForEmptyEventLoop = value;
      },
      succeed: once((result) => done(null, result)),
      fail: once((err) => done(err === undefined || err === null ? 'handled' : err, null)),
      done: once(done),
    };
    return [once(callback), callbackContext, () => { completed = true; }];
  }
}

// ---------------------------------------------------------------- main

async function main() {
  patchConsole();
  const address = process.env.AWS_LAMBDA_RUNTIME_API;
  if (!address) {
    process.stderr.write('AWS_LAMBDA_RUNTIME_API is not set\n');
    process.exit(1);
  }
  const client = new RuntimeClient(address);
  const initFatal = (err, code) => client.postInitError(err).finally(() => process.exit(code));
  const errorCallbacks = {
    uncaughtException: (err) => initFatal(err, 129),
    unhandledRejection: (err) => initFatal(err, 128),
  };
  process.on('uncaughtException', (err) => {
    logError('Uncaught Exception', err);
    errorCallbacks.uncaughtException(err);
  });
  process.on('unhandledRejection', (reason, promise) => {
    const err = new UnhandledPromiseRejection(reason, promise);
    logError('Unhandled Promise Rejection', err);
    errorCallbacks.unhandledRejection(err);
  });
  process.on('beforeExit', () => beforeExit());

  let handler;
  try {
    handler = await loadHandler(process.env.LAMBDA_TASK_ROOT || process.cwd(), process.env._HANDLER);
  } catch (err) {
    logError('Uncaught Exception', err);
    await initFatal(err, 129);
    return;
  }
  new Runtime(client, handler, errorCallbacks).scheduleIteration();
}

main();
