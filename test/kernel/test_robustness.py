"""The kernel survives what users and front ends throw at it: failing cells of every kind, an
infinite loop stopped by interrupt, malformed comm traffic, and many widget round trips."""

import json
import time
import unittest
import uuid

from kernel_session import KernelSession, comm_messages


class Robustness(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.k = KernelSession()
        cls.k.value('import { IntSlider, commErrors } from "activation-lab/kernel"; const keep = 41; 0')

    @classmethod
    def tearDownClass(cls):
        cls.k.close()

    def assert_alive(self):
        """The kernel answers and variables from before the failure are intact."""
        self.assertEqual(self.k.value("keep + 1"), 42)

    def assert_error(self, code, ename, evalue_part=""):
        reply, outputs = self.k.execute(code)
        self.assertEqual(reply["status"], "error", reply)
        self.assertEqual(reply["ename"], ename, reply)
        self.assertIn(evalue_part, reply["evalue"])
        errors = [m["content"] for m in outputs if m["msg_type"] == "error"]
        self.assertEqual([(e["ename"], e["evalue"]) for e in errors], [(reply["ename"], reply["evalue"])])
        self.assert_alive()
        return reply

    def test_a_throwing_cell(self):
        reply = self.assert_error('throw new RangeError("out of range")', "RangeError", "out of range")
        self.assertTrue(any("RangeError: out of range" in line for line in reply["traceback"]))

    def test_a_runtime_type_error(self):
        self.assert_error("const u: any = undefined; u.field", "TypeError", "field")

    def test_a_syntax_error(self):
        self.assert_error("let broken = ;", "SyntaxError", "Expression expected")

    def test_a_type_error(self):
        self.assert_error('const s: string = 5', "TypeScriptError", "TS2322")

    def test_a_rejected_promise(self):
        self.assert_error('await Promise.reject(new Error("nope"))', "Error", "nope")

    def test_a_rejection_nobody_awaits_is_reported_not_fatal(self):
        reply, outputs = self.k.execute('Promise.reject(new Error("left behind")); 1')
        self.assertEqual(reply["status"], "ok")
        text = "".join(m["content"]["text"] for m in outputs if m["msg_type"] == "stream")
        self.assertIn("left behind", text)
        self.assert_alive()

    def wait_for_execute_input(self, msg_id):
        while True:
            msg = self.k.kc.get_iopub_msg(timeout=30)
            if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "execute_input":
                return

    def test_an_infinite_loop_is_stopped_by_interrupt(self):
        msg_id = self.k.kc.execute("let spins = 0; while (true) { spins++; }")
        self.wait_for_execute_input(msg_id)
        time.sleep(0.5)
        self.k.km.interrupt_kernel()
        self.k.outputs_for(msg_id, timeout=20)
        reply = self.k.shell_reply(msg_id, timeout=20)["content"]
        self.assertEqual((reply["status"], reply["ename"]), ("error", "Interrupted"))
        self.assert_alive()

    def test_an_interrupt_sent_while_the_cell_still_compiles_is_not_lost(self):
        for attempt in range(3):
            # A new type each time, so compilation takes a noticeable while.
            msg_id = self.k.kc.execute(f"interface Shape{attempt} {{ a: number; b: string }}; const s{attempt}: Shape{attempt}[] = []; while (true) {{ s{attempt}.length; }}")
            self.wait_for_execute_input(msg_id)
            self.k.km.interrupt_kernel()
            self.k.outputs_for(msg_id, timeout=20)
            reply = self.k.shell_reply(msg_id, timeout=20)["content"]
            self.assertEqual((reply["status"], reply["ename"]), ("error", "Interrupted"), f"attempt {attempt}")
        self.assert_alive()

    def test_interrupt_stops_an_awaiting_cell_and_loops_that_check_for_it(self):
        msg_id = self.k.kc.execute(
            'import { takeInterrupt, yieldToEventLoop } from "activation-lab/kernel";'
            "(globalThis as any).steps = 0;"
            "while (!takeInterrupt()) { (globalThis as any).steps++; await yieldToEventLoop(); }"
        )
        self.wait_for_execute_input(msg_id)
        time.sleep(0.5)
        self.k.km.interrupt_kernel()
        self.k.outputs_for(msg_id, timeout=20)
        reply = self.k.shell_reply(msg_id, timeout=20)["content"]
        self.assertEqual((reply["status"], reply["ename"]), ("error", "Interrupted"))
        first = self.k.value("(globalThis as any).steps")
        time.sleep(0.3)
        # The loop saw the interrupt and stopped: the counter no longer moves.
        self.assertGreater(first, 0)
        self.assertEqual(self.k.value("(globalThis as any).steps"), first)
        self.assert_alive()

    def test_cells_queued_behind_a_failing_cell_are_aborted_unless_stop_on_error_is_false(self):
        failing = self.k.kc.execute('await new Promise((r) => setTimeout(r, 300)); throw new Error("first fails")')
        queued = self.k.kc.execute("keep + 100")
        for msg_id in (failing, queued):
            self.k.outputs_for(msg_id)
        self.assertEqual(self.k.shell_reply(failing)["content"]["status"], "error")
        self.assertEqual(self.k.shell_reply(queued)["content"]["status"], "aborted")
        failing = self.k.kc.execute('await new Promise((r) => setTimeout(r, 300)); throw new Error("again")', stop_on_error=False)
        queued = self.k.kc.execute("keep + 100")
        outputs = [self.k.outputs_for(msg_id) for msg_id in (failing, queued)][1]
        self.assertEqual(self.k.shell_reply(failing)["content"]["status"], "error")
        self.assertEqual(self.k.shell_reply(queued)["content"]["status"], "ok")
        self.assertEqual([m["content"]["data"]["text/plain"] for m in outputs if m["msg_type"] == "execute_result"], ["141"])

    def test_silent_execution_shows_nothing_and_keeps_the_count(self):
        before = self.k.execute("1")[0]["execution_count"]
        reply, outputs = self.k.execute("2 + 2", silent=True)
        self.assertEqual(reply["status"], "ok")
        self.assertEqual([m["msg_type"] for m in outputs], [])
        self.assertEqual(self.k.execute("3")[0]["execution_count"], before + 1)

    def test_an_interrupt_request_message_stops_an_awaiting_cell(self):
        msg_id = self.k.kc.execute("await new Promise(() => {})")
        self.wait_for_execute_input(msg_id)
        request = self.k.kc.session.msg("interrupt_request", {})
        self.k.kc.control_channel.send(request)
        reply = self.k.kc.control_channel.get_msg(timeout=20)
        self.assertEqual((reply["msg_type"], reply["content"]["status"]), ("interrupt_reply", "ok"))
        self.k.outputs_for(msg_id, timeout=20)
        self.assertEqual(self.k.shell_reply(msg_id, timeout=20)["content"]["ename"], "Interrupted")
        self.assert_alive()

    def test_bursts_of_output_arrive_complete_and_in_order(self):
        reply, outputs = self.k.execute(
            'import { display } from "activation-lab/kernel";'
            'for (let i = 0; i < 1500; i++) { console.log(`line ${i}`); display(`shown ${i}`); }'
        )
        self.assertEqual(reply["status"], "ok")
        sequence = []
        for m in outputs:
            if m["msg_type"] == "stream":
                sequence += [line for line in m["content"]["text"].splitlines()]
            elif m["msg_type"] == "display_data":
                sequence.append(m["content"]["data"]["text/plain"])
        expected = [s for i in range(1500) for s in (f"line {i}", f"shown {i}")]
        self.assertEqual(sequence, expected)

    def send_raw(self, parts):
        """Sends hand-made JSON frames with a valid signature (so only their content is wrong)."""
        frames = [p if isinstance(p, bytes) else json.dumps(p).encode() for p in parts]
        signature = self.k.kc.session.sign(frames)
        self.k.kc.shell_channel.socket.send_multipart([b"<IDS|MSG>", signature] + frames)

    def header(self, msg_type):
        return {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": self.k.kc.session.session,
                "username": "test", "date": "2026-01-01T00:00:00Z", "version": "5.3"}

    def test_malformed_comm_messages_are_logged_and_dropped(self):
        slider = self.k.value("const target = new IntSlider({ value: 3 }); target.id")
        before = self.k.value("commErrors()")
        junk = [
            ("comm_msg", {"data": {}}, None),                                     # no comm_id
            ("comm_msg", {"comm_id": 42, "data": {}}, None),                      # comm_id of the wrong type
            ("comm_msg", {"comm_id": "nobody", "data": {}}, None),                # unknown comm
            ("comm_msg", {"comm_id": slider, "data": "not an object"}, None),     # data of the wrong type
            ("comm_msg", {"comm_id": slider, "data": {"method": "explode"}}, None),           # unknown method
            ("comm_msg", {"comm_id": slider, "data": {"method": "update", "state": [1]}}, None),  # state not an object
            ("comm_msg", {"comm_id": slider, "data": {"method": "update", "state": {}, "buffer_paths": [["x"]]}}, None),  # missing buffer
            ("comm_msg", {"comm_id": slider, "data": {"method": "update", "state": {"_model_name": "Hacked"}}}, None),  # read-only trait
            ("comm_open", {"comm_id": "x1", "data": {}}, None),                   # no target_name
            ("comm_close", {"comm_id": "never-opened", "data": {}}, None),        # unknown comm
            ("comm_msg", {"comm_id": "nobody", "data": {"blob": "x" * 20_000_000}}, None),  # 20 MB to nobody
            ("comm_msg", {"comm_id": slider, "data": {"method": "update", "state": {}}}, [b"\0" * 16]),  # stray buffer
        ]
        for msg_type, content, buffers in junk:
            mid = self.k.send_shell(msg_type, content, buffers=buffers)
            outputs = self.k.outputs_for(mid, timeout=60)
            self.assertEqual(outputs, [], f"{msg_type} {str(content)[:80]} produced output")
        # Frames that are not even a valid message: bad JSON, a wrong signature, an unknown type.
        self.send_raw([self.header("comm_msg"), {}, {}, b"{not json"])
        self.k.kc.shell_channel.socket.send_multipart([b"<IDS|MSG>", b"bad-signature", b"{}", b"{}", b"{}", b"{}"])
        mid = self.k.send_shell("no_such_request", {})
        self.assertEqual(self.k.outputs_for(mid), [])
        after = self.k.value("commErrors()")
        self.assertEqual(after - before, len(junk))
        self.assertEqual(self.k.value("target.value"), 3)
        self.assertEqual(self.k.value('target.get("_model_name")'), "IntSliderModel")
        self.assert_alive()

    def test_a_thousand_widget_round_trips_keep_memory_flat(self):
        slider = self.k.value("const churn = new IntSlider({ value: 0, max: 5000 }); churn.id")

        def round_trips(start, count):
            for i in range(start, start + count):
                outputs = self.k.outputs_for(self.k.widget_update(slider, {"value": i}))
                self.assertEqual(comm_messages(outputs, "echo_update")[0]["content"]["data"]["state"]["value"], i)

        round_trips(0, 200)  # warm-up: lazy compilation, buffers, caches
        # With --expose-gc (the wrapper sets it) the live heap after a full collection is the
        # precise measure; RSS, which the allocator returns lazily, is the coarse one.
        measure = "(globalThis as any).gc?.(); const m = process.memoryUsage(); [m.rss, m.heapUsed, typeof (globalThis as any).gc]"
        rss_before, heap_before, gc = self.k.value(measure)
        round_trips(200, 1000)
        rss_after, heap_after, _ = self.k.value(measure.replace("const m", "const m2").replace("m.", "m2."))
        rss_growth, heap_growth = (rss_after - rss_before) / 2**20, (heap_after - heap_before) / 2**20
        print(f"\nRSS {rss_before / 2**20:.1f} MB -> {rss_after / 2**20:.1f} MB after 1000 round trips ({rss_growth:+.1f} MB); "
              f"live heap {heap_growth:+.2f} MB (gc: {gc})")
        self.assertLess(rss_growth, 20, "memory grew with widget traffic")
        if gc == "function":
            self.assertLess(heap_growth, 1.0, "the live heap grew with widget traffic")
        self.assertEqual(self.k.value("churn.value"), 1199)


if __name__ == "__main__":
    unittest.main()
