# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a seed-format script step, streaming its output (documented in modules/script_step.py)."""

from __future__ import annotations

import codecs

from ansible.utils.display import Display

from ansible_collections.kantoo.devkit.plugins.plugin_utils._action import ControllerAction, stalk_engine
from ansible_collections.kantoo.devkit.plugins.modules.script_step import ARGUMENT_SPEC
from ansible_collections.kantoo.devkit.plugins.module_utils._engine import EngineError, connect
from ansible_collections.kantoo.devkit.plugins.plugin_utils._secrets import redact, secret_values

display = Display()


class LineStream:
    """Lines of a stream of chunks, shown as they come."""

    def __init__(self):
        self._partial = ""

    def feed(self, text):
        lines = (self._partial + text).split("\n")
        self._partial = lines.pop()
        for line in lines:
            display.display(line)

    def close(self):
        if self._partial:
            display.display(self._partial)


def whole_lines(chunks):
    """The text of a stream of byte chunks, cut only after a newline: a secret (or a UTF-8 character) that one
    chunk ends and the next begins is masked (decoded) whole."""
    decoder, pending = codecs.getincrementaldecoder("utf-8")(errors="replace"), ""
    for chunk in chunks:
        lines, newline, pending = (pending + decoder.decode(chunk)).rpartition("\n")
        if newline:
            yield lines + newline
    pending += decoder.decode(b"", final=True)
    if pending:
        yield pending


class ActionModule(ControllerAction):
    _supports_check_mode = False  # skipped in check mode: it acts on the Docker daemon

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = self.arguments(ARGUMENT_SPEC)
        env = dict(task_vars.get("kantoo_env") or {})
        env.update(args["env"])
        secrets = secret_values(task_vars, task_vars.get("kantoo_variables"), env)
        try:
            client = connect(stalk_engine(task_vars))
            run = client.exec_create(args["container"], [args["interpreter"], args["script"]],
                                     environment=env, workdir="/")
            output, live = [], LineStream() if args["watch"] else None
            with open(args["log_file"], "a", encoding="utf-8") as log:
                for text in whole_lines(client.exec_start(run)):
                    text = redact(text, secrets)
                    log.write(text)
                    log.flush()
                    output.append(text)
                    if live:
                        live.feed(text)
            if live:
                live.close()
            elif output:
                display.display("".join(output).rstrip("\n"))
            rc = client.exec_inspect(run)["ExitCode"]
        except EngineError as exc:
            return dict(failed=True, msg=exc.message("docker could not run %s" % args["script"]))
        result.update(rc=rc, changed=True, log_file=args["log_file"])
        if rc != 0:
            result.update(failed=True, msg="%s %s exited with code %d" % (args["interpreter"], args["script"], rc))
        return result
