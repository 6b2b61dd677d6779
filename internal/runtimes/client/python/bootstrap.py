"""Lambent's runtime client for Python: the Lambda Runtime API (2018-06-01) loop.

It behaves like AWS's awslambdaric (handler loading, context object, error
documents, log format) using the standard library only. Started as
`python3 -u bootstrap.py` with AWS_LAMBDA_RUNTIME_API, _HANDLER and
LAMBDA_TASK_ROOT in the environment.
"""

import decimal
import http.client
import importlib
import json
import logging
import math
import os
import sys
import time
import traceback
import urllib.parse

API = "/2018-06-01/runtime"
ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type"
ERROR_LOG_LINE_TERMINATE = "\r"
ERROR_LOG_INDENT = "\u00a0"  # NO-BREAK SPACE, as in AWS's error log lines

_request_id = None  # the current invocation, for log records


class FaultException(Exception):
    IMPORT_MODULE_ERROR = "Runtime.ImportModuleError"
    BUILT_IN_MODULE_CONFLICT = "Runtime.BuiltInModuleConflict"
    MALFORMED_HANDLER_NAME = "Runtime.MalformedHandlerName"
    USER_CODE_SYNTAX_ERROR = "Runtime.UserCodeSyntaxError"
    HANDLER_NOT_FOUND = "Runtime.HandlerNotFound"
    MARSHAL_ERROR = "Runtime.MarshalError"
    UNMARSHAL_ERROR = "Runtime.UnmarshalError"
    CONTEXT_UNMARSHAL_ERROR = "Runtime.LambdaContextUnmarshalError"

    def __init__(self, exception_type, msg, trace=None):
        super().__init__(msg)
        self.exception_type = exception_type
        self.msg = msg
        self.trace = trace


# ------------------------------------------------------------ Runtime API client


class RuntimeClient:
    """Talks to the Runtime API over one kept-alive HTTP/1.1 connection."""

    def __init__(self, address):
        self.address = address
        self.conn = None

    def _request(self, method, path, body=None, headers=None):
        reused = self.conn is not None
        if not reused:
            self.conn = http.client.HTTPConnection(self.address)
        try:
            self.conn.request(method, path, body=body, headers=headers or {})
            resp = self.conn.getresponse()
            return resp.status, resp.headers, resp.read()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self.conn.close()
            self.conn = None
            if not reused:
                raise
            # A kept-alive connection the server closed while idle fails on
            # reuse, before the server saw the request: retry once.
            return self._request(method, path, body, headers)

    def next(self):
        status, headers, body = self._request("GET", API + "/invocation/next")
        if status != 200:
            raise RuntimeError(
                "Runtime API /invocation/next answered {}: {!r}".format(status, body)
            )
        return headers, body

    def _post(self, path, body, headers):
        if isinstance(body, str):
            body = body.encode("utf-8")
        status, _, resp = self._request("POST", path, body, headers)
        if status != 202:
            sys.stderr.write(
                "Runtime API POST {} answered {}: {!r}\n".format(path, status, resp)
            )

    def post_result(self, invoke_id, body, content_type="application/json"):
        path = "{}/invocation/{}/response".format(API, urllib.parse.quote(invoke_id, safe=""))
        self._post(path, body, {"Content-Type": content_type})

    def post_error(self, invoke_id, error):
        path = "{}/invocation/{}/error".format(API, urllib.parse.quote(invoke_id, safe=""))
        self._post(
            path,
            to_json(error),
            {"Content-Type": "application/json", ERROR_TYPE_HEADER: "Unhandled"},
        )

    def post_init_error(self, error):
        self._post(
            API + "/init/error",
            to_json(error),
            {"Content-Type": "application/json", ERROR_TYPE_HEADER: error["errorType"]},
        )


# ------------------------------------------------------------ JSON


class _Encoder(json.JSONEncoder):
    def default(self, o):
        if isinstance(o, decimal.Decimal):
            if o.is_nan():
                return math.nan
            return int(o) if o.as_tuple().exponent >= 0 else float(o)
        return super().default(o)


def to_json(obj):
    return _Encoder().encode(obj)


def marshal_response(response):
    if isinstance(response, bytes):
        return response, "application/unknown"
    try:
        return to_json(response), "application/json"
    except Exception as e:
        raise FaultException(
            FaultException.MARSHAL_ERROR, "Unable to marshal response: {}".format(e)
        )


def unmarshal_event(body):
    if not body:
        return None
    try:
        return json.loads(body)
    except Exception as e:
        raise FaultException(
            FaultException.UNMARSHAL_ERROR, "Unable to unmarshal input: {}".format(e)
        )


# ------------------------------------------------------------ handler loading


def get_handler(handler):
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise FaultException(
            FaultException.MALFORMED_HANDLER_NAME,
            "Bad handler '{}': {}".format(handler, e),
        )
    if modname.split(".")[0] in sys.builtin_module_names:
        raise FaultException(
            FaultException.BUILT_IN_MODULE_CONFLICT,
            "Cannot use built-in module {} as a handler module".format(modname),
        )
    try:
        module = importlib.import_module(modname.replace("/", "."))
    except ImportError as e:
        raise FaultException(
            FaultException.IMPORT_MODULE_ERROR,
            "Unable to import module '{}': {}".format(modname, e),
        )
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise FaultException(
            FaultException.USER_CODE_SYNTAX_ERROR,
            "Syntax error in module '{}': {}".format(modname, e),
            trace,
        )
    try:
        request_handler = getattr(module, fname)
    except AttributeError:
        raise FaultException(
            FaultException.HANDLER_NOT_FOUND,
            "Handler '{}' missing on module '{}'".format(fname, modname),
        )
    if not callable(request_handler):
        raise FaultException(
            FaultException.HANDLER_NOT_FOUND,
            "Handler '{}' on module '{}' is not callable".format(fname, modname),
        )
    return request_handler


# ------------------------------------------------------------ context


class CognitoIdentity(object):
    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]


class Client(object):
    __slots__ = [
        "installation_id",
        "app_title",
        "app_version_name",
        "app_version_code",
        "app_package_name",
    ]


class ClientContext(object):
    __slots__ = ["custom", "env", "client"]


def make_obj_from_dict(cls, d):
    if d is None:
        return None
    obj = cls()
    for field in cls.__slots__:
        setattr(obj, field, d.get(field))
    return obj


class LambdaContext(object):
    def __init__(self, invoke_id, client_context, cognito_identity, deadline_ms,
                 invoked_function_arn=None, tenant_id=None):
        self.aws_request_id = invoke_id
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = invoked_function_arn
        self.tenant_id = tenant_id
        self.client_context = make_obj_from_dict(ClientContext, client_context)
        if self.client_context is not None:
            self.client_context.client = make_obj_from_dict(Client, self.client_context.client)
        self.identity = make_obj_from_dict(CognitoIdentity, {})
        if cognito_identity is not None:
            self.identity.cognito_identity_id = cognito_identity.get("cognitoIdentityId")
            self.identity.cognito_identity_pool_id = cognito_identity.get("cognitoIdentityPoolId")
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        delta = self._deadline_ms - int(time.time() * 1000)
        return delta if delta > 0 else 0

    def log(self, msg):
        sys.stdout.write(str(msg))

    def __repr__(self):
        return (
            "LambdaContext([aws_request_id={},log_group_name={},log_stream_name={},"
            "function_name={},memory_limit_in_mb={},function_version={},"
            "invoked_function_arn={},client_context={},identity={}])"
        ).format(self.aws_request_id, self.log_group_name, self.log_stream_name,
                 self.function_name, self.memory_limit_in_mb, self.function_version,
                 self.invoked_function_arn, self.client_context, self.identity)


def parse_json_header(value, name):
    if not value:
        return None
    try:
        return json.loads(value)
    except Exception as e:
        raise FaultException(
            FaultException.CONTEXT_UNMARSHAL_ERROR,
            "Unable to parse {} JSON: {}".format(name, e),
        )


# ------------------------------------------------------------ errors and logging


def make_error(error_message, error_type, stack_trace, invoke_id=None):
    return {
        "errorMessage": error_message if error_message else "",
        "errorType": error_type if error_type else "",
        "requestId": invoke_id if invoke_id is not None else "",
        "stackTrace": stack_trace if stack_trace else [],
    }


def user_frames(tb):
    """Traceback entries from the first frame outside this file on."""
    frames = traceback.extract_tb(tb)
    for i, frame in enumerate(frames):
        if frame.filename != __file__:
            return frames[i:]
    return []


def build_fault_result(exc_info, invoke_id=None):
    etype, value, tb = exc_info
    return make_error(
        str(value), etype.__name__, traceback.format_list(user_frames(tb)), invoke_id
    )


def log_error(error):
    """Writes an error as AWS does: one log line, records split by \\r."""
    description = "[ERROR]"
    if error.get("errorType"):
        description += " " + error["errorType"]
    if error.get("errorMessage"):
        if error.get("errorType"):
            description += ":"
        description += " " + error["errorMessage"]
    lines = [description, "Traceback (most recent call last):"]
    for element in error.get("stackTrace") or []:
        for line in element.splitlines():
            stripped = line.lstrip(" ")
            lines.append(ERROR_LOG_INDENT * (len(line) - len(stripped)) + stripped)
    sys.stdout.write(ERROR_LOG_LINE_TERMINATE.join(lines) + "\n")


class _RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.aws_request_id = _request_id or ""
        return True


class _StdoutHandler(logging.Handler):
    def emit(self, record):
        sys.stdout.write(self.format(record))


def setup_logging():
    logging.Formatter.converter = time.gmtime
    handler = _StdoutHandler()
    handler.setFormatter(
        logging.Formatter(
            "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
            "%Y-%m-%dT%H:%M:%S",
        )
    )
    handler.addFilter(_RequestIdFilter())
    root = logging.getLogger()
    level = (os.environ.get("AWS_LAMBDA_LOG_LEVEL") or "").upper()
    if level in logging._nameToLevel:
        root.setLevel(level)
    root.addHandler(handler)


def setup_sys_path(task_root):
    """Puts the function's code first on sys.path, in place of this file's directory."""
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]
    layers = [
        "/opt/python/lib/python%d.%d/site-packages" % sys.version_info[:2],
        "/opt/python",
    ]
    sys.path[0:0] = [task_root] + [p for p in layers if os.path.isdir(p)]


# ------------------------------------------------------------ invoke loop


def handle(client, request_handler, headers, body):
    global _request_id
    invoke_id = headers.get("Lambda-Runtime-Aws-Request-Id")
    _request_id = invoke_id
    trace_id = headers.get("Lambda-Runtime-Trace-Id")
    if trace_id:
        os.environ["_X_AMZN_TRACE_ID"] = trace_id
    else:
        os.environ.pop("_X_AMZN_TRACE_ID", None)

    try:
        context = LambdaContext(
            invoke_id,
            parse_json_header(headers.get("Lambda-Runtime-Client-Context"), "Client Context"),
            parse_json_header(headers.get("Lambda-Runtime-Cognito-Identity"), "Cognito Identity"),
            int(headers.get("Lambda-Runtime-Deadline-Ms") or 0),
            headers.get("Lambda-Runtime-Invoked-Function-Arn"),
            headers.get("Lambda-Runtime-Aws-Tenant-Id"),
        )
        event = unmarshal_event(body)
        response = request_handler(event, context)
        result, content_type = marshal_response(response)
    except FaultException as e:
        error = make_error(e.msg, e.exception_type, e.trace, invoke_id)
    except Exception:
        error = build_fault_result(sys.exc_info(), invoke_id)
    else:
        client.post_result(invoke_id, result, content_type)
        return
    log_error(error)
    client.post_error(invoke_id, error)


def main():
    address = os.environ.get("AWS_LAMBDA_RUNTIME_API")
    if not address:
        sys.stderr.write("AWS_LAMBDA_RUNTIME_API is not set\n")
        sys.exit(1)
    setup_sys_path(os.environ.get("LAMBDA_TASK_ROOT") or os.getcwd())
    setup_logging()
    client = RuntimeClient(address)

    try:
        request_handler = get_handler(os.environ.get("_HANDLER", ""))
    except FaultException as e:
        error = make_error(e.msg, e.exception_type, e.trace)
    except Exception:
        error = build_fault_result(sys.exc_info())
    else:
        error = None
    if error is not None:
        log_error(error)
        client.post_init_error(error)
        sys.exit(1)

    while True:
        headers, body = client.next()
        handle(client, request_handler, headers, body)


if __name__ == "__main__":
    main()
