"""Comms and the widget protocol 2.1.0 against a live kernel, with this test playing the front
end: updates, echo_update, request_state, custom messages, binary buffers, comms opened from
either side, and output routing while a cell awaits."""

import struct
import unittest

from kernel_session import KernelSession, comm_messages, stdout_text


class CommsAndWidgets(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.k = KernelSession()
        cls.k.value('import { IntSlider, Button, Output, Widget, commManager, commErrors } from "activation-lab/kernel"; 0')

    @classmethod
    def tearDownClass(cls):
        cls.k.close()

    def new_slider(self, name, **opts):
        args = ", ".join(f"{k}: {v}" for k, v in opts.items())
        return self.k.value(f"const {name} = new IntSlider({{ {args} }}); {name}.id")

    def test_comm_info_lists_open_comms_filtered_by_target(self):
        slider = self.new_slider("infoSlider", value=1)
        self.k.value('const infoComm = commManager().open("activation-lab.test-target"); infoComm.id')
        mid = self.k.send_shell("comm_info_request", {"target_name": "jupyter.widget"})
        widgets = self.k.shell_reply(mid)["content"]["comms"]
        self.assertIn(slider, widgets)
        self.assertEqual({c["target_name"] for c in widgets.values()}, {"jupyter.widget"})
        mid = self.k.send_shell("comm_info_request", {"target_name": "activation-lab.test-target"})
        only = self.k.shell_reply(mid)["content"]["comms"]
        self.assertEqual([c["target_name"] for c in only.values()], ["activation-lab.test-target"])
        mid = self.k.send_shell("comm_info_request", {})
        everything = self.k.shell_reply(mid)["content"]["comms"]
        self.assertTrue(set(widgets) | set(only) <= set(everything))

    def test_front_end_update_is_echoed_before_listener_output_which_goes_to_the_comm_message(self):
        slider = self.new_slider("echoSlider", value=1, max=10)
        self.k.value('echoSlider.onChange((v, old) => console.log(`value ${old} -> ${v}`)); 0')
        mid = self.k.widget_update(slider, {"value": 7})
        outputs = self.k.outputs_for(mid)
        self.assertEqual([m["msg_type"] for m in outputs], ["comm_msg", "stream"])
        echo = outputs[0]["content"]
        self.assertEqual(echo["comm_id"], slider)
        self.assertEqual(echo["data"], {"method": "echo_update", "state": {"value": 7}, "buffer_paths": []})
        self.assertEqual(stdout_text(outputs), "value 1 -> 7\n")
        self.assertEqual(self.k.value("echoSlider.value"), 7)

    def test_out_of_range_value_is_clamped_as_ipywidgets_does(self):
        slider = self.new_slider("clampSlider", value=2, max=10)
        outputs = self.k.outputs_for(self.k.widget_update(slider, {"value": 50}))
        self.assertEqual(comm_messages(outputs, "echo_update")[0]["content"]["data"]["state"], {"value": 10})
        self.assertEqual(self.k.value("clampSlider.value"), 10)
        # A value of the wrong type is refused and the front end corrected.
        outputs = self.k.outputs_for(self.k.widget_update(slider, {"value": "lots"}))
        self.assertEqual(comm_messages(outputs, "update")[0]["content"]["data"]["state"], {"value": 10})

    def test_request_state_returns_the_full_state(self):
        slider = self.new_slider("stateSlider", value=5, min=1, max=9)
        outputs = self.k.outputs_for(self.k.comm_msg(slider, {"method": "request_state"}))
        state = comm_messages(outputs, "update")[0]["content"]["data"]["state"]
        self.assertEqual(state["_model_name"], "IntSliderModel")
        self.assertEqual(state["_model_module"], "@jupyter-widgets/controls")
        self.assertEqual((state["value"], state["min"], state["max"]), (5, 1, 9))
        self.assertTrue(state["layout"].startswith("IPY_MODEL_"))

    def test_comm_messages_are_served_while_a_cell_awaits(self):
        slider = self.new_slider("awaitSlider", value=0, max=100)
        cell = self.k.kc.execute(
            "const got = await new Promise<number>((resolve) => { awaitSlider.onChange((v) => resolve(v)); console.log('waiting'); }); got * 2"
        )
        # Wait until the cell is waiting for the slider, then move it from the "front end".
        while True:
            msg = self.k.kc.get_iopub_msg(timeout=30)
            if msg["parent_header"].get("msg_id") == cell and msg["msg_type"] == "stream" and "waiting" in msg["content"]["text"]:
                break
        update = self.k.widget_update(slider, {"value": 21})
        echo = self.k.outputs_for(update)
        self.assertEqual(comm_messages(echo, "echo_update")[0]["parent_header"]["msg_id"], update)
        cell_outputs = self.k.outputs_for(cell)
        results = [m["content"]["data"]["text/plain"] for m in cell_outputs if m["msg_type"] == "execute_result"]
        self.assertEqual(results, ["42"])
        self.assertEqual(self.k.shell_reply(cell)["content"]["status"], "ok")

    def test_button_clicks_reach_the_kernel_and_output_capture_targets_the_click(self):
        ids = self.k.value(
            'const btn = new Button({ description: "go" }); const out = new Output(); let clicks = 0; '
            'btn.onClick(() => out.capture(() => { clicks++; console.log("clicked", clicks); })); '
            '`${btn.id} ${out.id}`'
        )
        button, output = ids.split()
        for n in (1, 2):
            click = self.k.comm_msg(button, {"method": "custom", "content": {"event": "click"}})
            outputs = self.k.outputs_for(click)
            routed = [m["content"]["data"]["state"]["msg_id"] for m in comm_messages(outputs, "update") if m["content"]["comm_id"] == output]
            # The Output widget points at the click message while the handler runs, then lets go.
            self.assertEqual(routed, [click, ""])
            self.assertEqual(stdout_text(outputs), f"clicked {n}\n")
        self.assertEqual(self.k.value("clicks"), 2)

    def test_binary_buffers_travel_both_ways(self):
        reply, outputs = self.k.execute(
            "class Bin extends Widget<{ data: { xs: Float32Array }; label: string }> {"
            '  constructor() { super({ _model_name: "BinModel", _model_module: "test", _model_module_version: "1.0.0",'
            '    _view_name: null, _view_module: null, _view_module_version: "1.0.0",'
            '    data: { xs: new Float32Array([0.5, 1.5, 2.5]) }, label: "b" }); } }'
            "const bin = new Bin();"
            'bin.on("change:data", () => { const dv = bin.get("data").xs as unknown as DataView;'
            "  let sum = 0; for (let i = 0; i < dv.byteLength; i += 4) sum += dv.getFloat32(i, true);"
            '  console.log("sum", sum); });'
            "bin.id"
        )
        self.assertEqual(reply["status"], "ok", reply)
        opened = [m for m in outputs if m["msg_type"] == "comm_open"][0]
        self.assertEqual(opened["content"]["data"]["buffer_paths"], [["data", "xs"]])
        self.assertEqual(opened["content"]["data"]["state"]["data"], {})
        self.assertEqual(struct.unpack("<3f", opened["buffers"][0]), (0.5, 1.5, 2.5))
        bin_id = opened["content"]["comm_id"]
        payload = struct.pack("<4f", 1, 2, 3, 4.5)
        outputs = self.k.outputs_for(self.k.widget_update(bin_id, {"data": {}}, [["data", "xs"]], [payload]))
        echo = comm_messages(outputs, "echo_update")[0]
        self.assertEqual(echo["content"]["data"]["buffer_paths"], [["data", "xs"]])
        self.assertEqual(bytes(echo["buffers"][0]), payload)
        self.assertEqual(stdout_text(outputs), "sum 10.5\n")

    def test_a_front_end_can_open_message_and_close_a_comm_on_a_registered_target(self):
        self.k.value(
            'commManager().registerTarget("echo", (comm, open) => {'
            "  comm.send({ opened: open.data });"
            "  comm.onMessage((m) => comm.send({ echoed: m.data }));"
            '  comm.onClose(() => console.log("closed by the front end")); }); 0'
        )
        opened = self.k.send_shell("comm_open", {"comm_id": "fe-comm-1", "target_name": "echo", "data": {"hello": 1}})
        self.assertEqual([m["content"]["data"] for m in comm_messages(self.k.outputs_for(opened))], [{"opened": {"hello": 1}}])
        msg = self.k.comm_msg("fe-comm-1", {"x": 2})
        self.assertEqual([m["content"]["data"] for m in comm_messages(self.k.outputs_for(msg))], [{"echoed": {"x": 2}}])
        closed = self.k.send_shell("comm_close", {"comm_id": "fe-comm-1", "data": {}})
        self.assertEqual(stdout_text(self.k.outputs_for(closed)), "closed by the front end\n")
        info = self.k.shell_reply(self.k.send_shell("comm_info_request", {}))["content"]["comms"]
        self.assertNotIn("fe-comm-1", info)

    def test_comm_open_for_an_unknown_target_is_answered_with_comm_close(self):
        opened = self.k.send_shell("comm_open", {"comm_id": "fe-comm-2", "target_name": "no-such-target", "data": {}})
        outputs = self.k.outputs_for(opened)
        self.assertEqual([(m["msg_type"], m["content"]["comm_id"]) for m in outputs], [("comm_close", "fe-comm-2")])

    def test_closing_a_widget_in_the_kernel_sends_comm_close(self):
        slider = self.new_slider("closeSlider", value=1)
        reply, outputs = self.k.execute("closeSlider.close()")
        self.assertEqual([(m["msg_type"], m["content"]["comm_id"]) for m in outputs if m["msg_type"] == "comm_close"], [("comm_close", slider)])

    def test_a_reloading_front_end_gets_every_widget_state_through_the_control_comm(self):
        slider = self.new_slider("controlSlider", value=6, max=9)
        opened = self.k.send_shell("comm_open", {"comm_id": "control-1", "target_name": "jupyter.widget.control", "data": {}}, metadata={"version": "2.1.0"})
        self.assertEqual(self.k.outputs_for(opened), [])
        outputs = self.k.outputs_for(self.k.comm_msg("control-1", {"method": "request_states"}))
        reply = comm_messages(outputs, "update_states")[0]
        states = reply["content"]["data"]["states"]
        self.assertEqual(states[slider]["model_name"], "IntSliderModel")
        self.assertEqual(states[slider]["model_module_version"], "2.0.0")
        self.assertEqual(states[slider]["state"]["value"], 6)
        # Every layout/style reference resolves within the same reply.
        layout = states[slider]["state"]["layout"].removeprefix("IPY_MODEL_")
        self.assertEqual(states[layout]["model_name"], "LayoutModel")
        self.assertEqual(len(reply["content"]["data"]["buffer_paths"]), len(reply["buffers"]))

    def test_user_code_shares_the_kernel_library_instance_and_gets_rich_results(self):
        # The live host the kernel registered is visible to user code: one module instance.
        self.assertEqual(self.k.value('import * as al from "activation-lab"; al.liveHost() !== undefined'), True)
        reply, outputs = self.k.execute('await al.curves(["relu", "gelu"], { points: 101 })')
        self.assertEqual(reply["status"], "ok", reply)
        data = [m for m in outputs if m["msg_type"] == "execute_result"][0]["content"]["data"]
        self.assertIsInstance(data["application/vnd.vegalite.v5+json"], dict)
        self.assertIn("<svg", data["image/svg+xml"])
        reply, outputs = self.k.execute('al.explore(["relu"])')
        self.assertEqual(reply["status"], "ok", reply)
        data = [m for m in outputs if m["msg_type"] == "execute_result"][0]["content"]["data"]
        model = data["application/vnd.jupyter.widget-view+json"]["model_id"]
        opened = [m for m in outputs if m["msg_type"] == "comm_open" and m["content"]["comm_id"] == model]
        self.assertEqual(opened[0]["content"]["data"]["state"]["_model_module"], "activation-lab")


if __name__ == "__main__":
    unittest.main()
