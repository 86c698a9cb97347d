"""What a cell's result shows through a real jupyter_client: a promise as the last expression
shows its awaited value (or its rejection as the cell's error, as `await` would), and results
with a chart and a table arrive as two outputs whose MIME types JupyterLab shows in full."""

import time
import unittest

from kernel_session import KernelSession

CHART_TYPES = {"application/vnd.vegalite.v5+json", "image/svg+xml", "text/plain"}
TABLE_TYPES = {"text/html", "text/plain"}


def stream_text(outputs):
    return "".join(m["content"]["text"] for m in outputs if m["msg_type"] == "stream")


def shown(outputs):
    """(msg_type, sorted MIME types) of each display_data / execute_result, in order; a long
    computation's progress bar (a widget view) is left out."""
    return [
        (m["msg_type"], sorted(m["content"]["data"]))
        for m in outputs
        if m["msg_type"] in ("display_data", "execute_result") and "application/vnd.jupyter.widget-view+json" not in m["content"]["data"]
    ]


class Results(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.k = KernelSession()
        cls.k.value('import * as al from "activation-lab"; 0')

    @classmethod
    def tearDownClass(cls):
        cls.k.close()

    def result(self, outputs):
        results = [m["content"]["data"] for m in outputs if m["msg_type"] == "execute_result"]
        self.assertEqual(len(results), 1, outputs)
        return results[0]

    def test_a_promise_result_shows_its_value(self):
        reply, outputs = self.k.execute('new Promise((resolve) => setTimeout(() => resolve({ answer: 6 * 7 }), 50))')
        self.assertEqual(reply["status"], "ok", reply)
        self.assertEqual(self.result(outputs)["text/plain"], "{ answer: 42 }")
        self.assertEqual(stream_text(outputs), "")

    def test_a_promise_of_a_string_shows_the_string_quoted_as_await_would(self):
        self.assertEqual(self.k.value('Promise.resolve("done")'), "done")

    def test_a_rejected_promise_result_is_the_cells_error(self):
        reply, outputs = self.k.execute('Promise.reject(new RangeError("points out of range"))')
        self.assertEqual((reply["status"], reply["ename"], reply["evalue"]), ("error", "RangeError", "points out of range"))
        errors = [m["content"] for m in outputs if m["msg_type"] == "error"]
        self.assertEqual([(e["ename"], e["evalue"]) for e in errors], [("RangeError", "points out of range")])
        self.assertNotIn("Unhandled promise rejection", stream_text(outputs))
        self.assertEqual([m for m in outputs if m["msg_type"] == "execute_result"], [])
        self.assertEqual(self.k.value("1 + 1"), 2)

    def test_a_promise_result_that_never_settles_stops_at_an_interrupt(self):
        msg_id = self.k.kc.execute("new Promise(() => {})")
        time.sleep(1.0)
        self.k.km.interrupt_kernel()
        self.k.outputs_for(msg_id, timeout=20)
        reply = self.k.shell_reply(msg_id, timeout=20)["content"]
        self.assertEqual((reply["status"], reply["ename"]), ("error", "Interrupted"))
        self.assertEqual(self.k.value("2 + 2"), 4)

    def test_properties_show_as_a_table_without_a_json_tree(self):
        reply, outputs = self.k.execute('al.properties(["sigmoid", "relu"])')
        self.assertEqual(reply["status"], "ok", reply)
        self.assertEqual(shown(outputs), [("execute_result", sorted(TABLE_TYPES))])
        self.assertIn("<table>", self.result(outputs)["text/html"])

    def test_gradient_flow_without_await_shows_its_chart_then_its_table(self):
        reply, outputs = self.k.execute('al.gradientFlow({ activations: ["sigmoid", "relu"], depth: 4, width: 8, batch: 8 })', timeout=120)
        self.assertEqual(reply["status"], "ok", reply)
        self.assertEqual(shown(outputs), [("display_data", sorted(CHART_TYPES)), ("execute_result", sorted(TABLE_TYPES))])
        chart = next(m["content"]["data"] for m in outputs if m["msg_type"] == "display_data" and "image/svg+xml" in m["content"]["data"])
        self.assertTrue(chart["image/svg+xml"].startswith("<svg"))
        self.assertIn("vega-lite/v5", chart["application/vnd.vegalite.v5+json"]["$schema"])
        self.assertRegex(self.result(outputs)["text/html"], r"<table>.*sigmoid.*relu")
        self.assertNotIn("Promise", stream_text(outputs))

    def test_display_of_a_chart_and_table_gives_each_output_its_own_display_id(self):
        reply, outputs = self.k.execute(
            'import { display } from "activation-lab/kernel";'
            'const flow = await al.gradientFlow({ activations: ["relu"], depth: 3, width: 8, batch: 8 });'
            'display(flow, { display_id: "flow" }); 0',
            timeout=120,
        )
        self.assertEqual(reply["status"], "ok", reply)
        ids = [m["content"]["transient"]["display_id"] for m in outputs if m["msg_type"] == "display_data" and m["content"]["transient"].get("display_id", "").startswith("flow")]
        self.assertEqual(ids, ["flow", "flow#1"])


if __name__ == "__main__":
    unittest.main()
