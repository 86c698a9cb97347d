"""Jupyter protocol conformance of the activation-lab kernel.

Runs the jupyter_kernel_test suite (Debian's python3-jupyter-kernel-test) with every field
that applies to a TypeScript kernel filled in, plus checks the stock suite does not make:
kernel_info details, execution counts, JSON-typed MIME data, display ids. Comms are tested
in test_comms.py (the stock message validator does not know comm messages).

Run through test/kernel/conformance.test.ts, which installs the kernelspec into a temporary
prefix and sets JUPYTER_PATH.
"""

import unittest

import jupyter_kernel_test
from jupyter_kernel_test.msgspec_v5 import validate_message

DISPLAY = 'Symbol.for("Jupyter.display")'

VEGA_LITE_SPEC = (
    '{"$schema": "https://vega.github.io/schema/vega-lite/v5.json", '
    '"data": {"values": [{"x": 0, "y": 0}, {"x": 1, "y": 1}]}, '
    '"mark": "line", "encoding": {"x": {"field": "x", "type": "quantitative"}, '
    '"y": {"field": "y", "type": "quantitative"}}}'
)


class ActivationLabConformance(jupyter_kernel_test.KernelTests):
    kernel_name = "activation-lab"
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("to stderr")'

    completion_samples = [
        {"text": "Math.ab", "matches": {"abs"}},
        {"text": "const completeMe = 1; complete", "matches": {"completeMe"}},
    ]

    complete_code_samples = ["1 + 1", "let a = 1;", "function f() { return 1; }", "const o = { a: 1 };", "let cast = <number>(1 as unknown);", "await Promise.resolve(1)"]
    incomplete_code_samples = ["function f() {", "let a = [1,", "if (true) {", "const s = `abc"]
    invalid_code_samples = ["const = 5;", "1 +* 2", ")", "const 3x = 1;"]

    code_generate_error = 'throw new Error("boom")'

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"a" + "b"', "result": "'ab'"},
        {"code": "[1, 2, 3].length", "result": "3"},
    ]

    code_display_data = [
        {
            "code": 'import { display } from "activation-lab/kernel"; '
            f'display({{ [{DISPLAY}]: () => ({{ "text/html": "<b>bold</b>", "text/plain": "bold" }}) }})',
            "mime": "text/html",
        },
        {
            "code": 'import { display } from "activation-lab/kernel"; '
            f'display({{ [{DISPLAY}]: () => ({{ "application/vnd.vegalite.v5+json": {VEGA_LITE_SPEC} }}) }})',
            "mime": "application/vnd.vegalite.v5+json",
        },
        {
            # tslab's own display API keeps working.
            "code": 'import * as tslab from "tslab"; tslab.display.markdown("**md**")',
            "mime": "text/markdown",
        },
        {
            # A bundle that arrives asynchronously, as vega's SVG rendering does.
            "code": 'import { display } from "activation-lab/kernel"; '
            f'display({{ [{DISPLAY}]: async () => ({{ "image/svg+xml": "<svg></svg>" }}) }})',
            "mime": "image/svg+xml",
        },
    ]

    code_history_pattern = "6 * 7"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "Math.max"

    code_clear_output = 'import { clearOutput } from "activation-lab/kernel"; clearOutput()'

    # --- checks beyond the stock suite -------------------------------------------------

    def test_kernel_info_details(self):
        self.flush_channels()
        msg_id = self.kc.kernel_info()
        reply = self.kc.get_shell_msg(timeout=15)
        validate_message(reply, "kernel_info_reply", msg_id)
        content = reply["content"]
        self.assertEqual(content["status"], "ok")
        self.assertEqual(content["implementation"], "activation-lab")
        # The TypeScript version is the compiler tslab type-checks cells with.
        self.assertRegex(content["language_info"]["version"], r"^\d+\.\d+\.\d+")
        # Drain the kernel_info request's busy/idle so execute_helper sees only its own.
        while True:
            status = self.kc.get_iopub_msg(timeout=5)
            if status["parent_header"].get("msg_id") == msg_id and status["content"].get("execution_state") == "idle":
                break
        reply_ts, outputs = self.execute_helper('import * as tslab from "tslab"; tslab.versions.typescript')
        self.assertEqual(reply_ts["content"]["status"], "ok", reply_ts["content"])
        result = [m for m in outputs if m["msg_type"] == "execute_result"][0]
        self.assertEqual(result["content"]["data"]["text/plain"], repr(content["language_info"]["version"]))

    def test_execution_counts_increase_and_appear_in_outputs(self):
        self.flush_channels()
        first, outs1 = self.execute_helper("1")
        second, outs2 = self.execute_helper("2")
        n1 = first["content"]["execution_count"]
        self.assertEqual(second["content"]["execution_count"], n1 + 1)
        for outs, n in ((outs1, n1), (outs2, n1 + 1)):
            self.assertEqual([m["content"]["execution_count"] for m in outs if m["msg_type"] == "execute_result"], [n])
        # store_history=False leaves the counter alone.
        silent, _ = self.execute_helper("3", store_history=False)
        third, _ = self.execute_helper("4")
        self.assertEqual(third["content"]["execution_count"], n1 + 2)

    def test_error_has_ename_evalue_traceback(self):
        self.flush_channels()
        reply, outputs = self.execute_helper('class MyError extends Error { name = "MyError" }; throw new MyError("custom")')
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "MyError")
        self.assertEqual(reply["content"]["evalue"], "custom")
        error = [m for m in outputs if m["msg_type"] == "error"][0]["content"]
        self.assertEqual(error["ename"], "MyError")
        self.assertTrue(any("MyError: custom" in line for line in error["traceback"]))
        # A type error is reported before anything runs, with its TypeScript code.
        reply, outputs = self.execute_helper('const n: number = "text"')
        self.assertEqual(reply["content"]["ename"], "TypeScriptError")
        self.assertIn("TS2322", reply["content"]["evalue"])

    def test_vega_lite_is_a_json_object_and_bundles_keep_every_mime_type(self):
        self.flush_channels()
        code = (
            f"({{ [{DISPLAY}]: () => ({{ \"application/vnd.vegalite.v5+json\": {VEGA_LITE_SPEC}, "
            '"image/svg+xml": "<svg></svg>", "text/html": "<i>x</i>", "text/plain": "chart" }) })'
        )
        reply, outputs = self.execute_helper(code)
        self.assertEqual(reply["content"]["status"], "ok")
        data = [m for m in outputs if m["msg_type"] == "execute_result"][0]["content"]["data"]
        self.assertEqual(set(data), {"application/vnd.vegalite.v5+json", "image/svg+xml", "text/html", "text/plain"})
        self.assertIsInstance(data["application/vnd.vegalite.v5+json"], dict)
        self.assertEqual(data["application/vnd.vegalite.v5+json"]["mark"], "line")

    def test_display_ids_and_update_display_data(self):
        self.flush_channels()
        code = (
            'import { display, updateDisplay } from "activation-lab/kernel"; '
            'const h = display("first", { display_id: "counter" }); '
            'await updateDisplay("counter", "second");'
        )
        reply, outputs = self.execute_helper(code)
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        kinds = [(m["msg_type"], m["content"].get("transient", {}).get("display_id"), m["content"].get("data", {}).get("text/plain")) for m in outputs]
        self.assertEqual(kinds, [("display_data", "counter", "first"), ("update_display_data", "counter", "second")])


if __name__ == "__main__":
    unittest.main()
