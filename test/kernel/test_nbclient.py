"""A notebook using sliders, a button, Output and interact, executed headless with nbclient
(the way CI and `jupyter nbconvert --execute` run notebooks): the saved file has execution
counts, every widget view refers to saved widget state, the state validates against
ipywidgets' schema (what JupyterLab reads to render it), and captured output lands in the
Output widgets."""

import json
import os
import tempfile
import unittest

import ipywidgets
import jsonschema
import nbformat
from nbclient import NotebookClient

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

CELLS = [
    'import { IntSlider, FloatSlider, Dropdown, Checkbox, Button, Output, HBox, VBox, interact } from "activation-lab/kernel";\n'
    'const slider = new IntSlider({ value: 4, min: 0, max: 10, description: "n" });\n'
    "slider",
    "const out = new Output();\n"
    'const button = new Button({ description: "square" });\n'
    "button.onClick(() => out.capture(() => console.log(`n^2 = ${slider.value ** 2}`)));\n"
    "new VBox([new HBox([slider, button]), out])",
    "await button.click();\n"
    "slider.value = 7;\n"
    "await button.click();\n"
    '"clicked twice"',
    'const handle = interact(({ k, act, flip }) => `${act}:${flip ? -k : k}`, { k: [1, 5], act: ["relu", "gelu"], flip: false });\n'
    "await handle.ready;",
    'new HBox([new FloatSlider({ value: 0.5, max: 1 }), new Dropdown({ options: ["a", "b"], value: "b" }), new Checkbox({ value: true })])',
    "6 * 7",
]


def schema(name):
    with open(os.path.join(os.path.dirname(ipywidgets.__file__), name)) as f:
        return json.load(f)


class NotebookExecution(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        nb = nbformat.v4.new_notebook(
            cells=[nbformat.v4.new_code_cell(src) for src in CELLS],
            metadata={"kernelspec": {"name": "activation-lab", "display_name": "TypeScript (activation-lab)", "language": "typescript"}},
        )
        NotebookClient(nb, kernel_name="activation-lab", timeout=120, store_widget_state=True).execute()
        cls.tmp = tempfile.TemporaryDirectory()
        path = os.path.join(cls.tmp.name, "widgets.ipynb")
        nbformat.write(nb, path)
        cls.nb = nbformat.read(path, as_version=4)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def outputs(self, index):
        return self.nb.cells[index].outputs

    def models(self):
        return self.nb.metadata.widgets[WIDGET_STATE]["state"]

    def test_the_saved_notebook_is_valid_and_numbered(self):
        nbformat.validate(self.nb)
        self.assertEqual([c.execution_count for c in self.nb.cells], list(range(1, len(CELLS) + 1)))
        for cell in self.nb.cells:
            for out in cell.outputs:
                self.assertNotEqual(out.output_type, "error", out)
        results = [o for o in self.outputs(5) if o.output_type == "execute_result"]
        self.assertEqual([(r.execution_count, r.data["text/plain"]) for r in results], [(6, "42")])

    def test_widget_state_validates_against_the_ipywidgets_schema(self):
        state = self.nb.metadata.widgets[WIDGET_STATE]
        jsonschema.validate(state, schema("state.schema.json"))
        self.assertEqual((state["version_major"], state["version_minor"]), (2, 0))

    def test_every_widget_view_refers_to_saved_state_with_its_children(self):
        models = self.models()
        views = [o.data[WIDGET_VIEW] for c in self.nb.cells for o in c.outputs if WIDGET_VIEW in o.get("data", {})]
        self.assertGreaterEqual(len(views), 4)
        for view in views:
            # ipywidgets' view.schema.json is itself malformed (its meta-schema check fails), so
            # the view's fields are checked directly.
            self.assertEqual(set(view), {"version_major", "version_minor", "model_id"})
            self.assertEqual(view["version_major"], 2)
            self.assertIn(view["model_id"], models)
        # References inside saved state (children, layout, style) resolve too.
        for model in models.values():
            for key in ("layout", "style"):
                ref = model["state"].get(key)
                if isinstance(ref, str):
                    self.assertIn(ref.removeprefix("IPY_MODEL_"), models)
            for child in model["state"].get("children", []):
                self.assertIn(child.removeprefix("IPY_MODEL_"), models)

    def test_saved_values_are_the_final_ones(self):
        sliders = [m["state"] for m in self.models().values() if m["model_name"] == "IntSliderModel" and m["state"].get("description") == "n"]
        self.assertEqual([s["value"] for s in sliders], [7])
        dropdowns = [m["state"] for m in self.models().values() if m["model_name"] == "DropdownModel" and m["state"]["_options_labels"] == ["a", "b"]]
        self.assertEqual([d["index"] for d in dropdowns], [1])

    def test_output_captured_by_a_button_handler_is_in_the_output_widget(self):
        outputs = [m["state"]["outputs"] for m in self.models().values() if m["model_name"] == "OutputModel"]
        texts = ["".join(o.get("text", "") for o in outs) for outs in outputs]
        self.assertIn("n^2 = 16\nn^2 = 49\n", texts)
        # ...and not in the cell that clicked.
        cell_text = "".join(o.get("text", "") for o in self.outputs(2) if o.output_type == "stream")
        self.assertNotIn("n^2", cell_text)

    def test_interact_shows_controls_and_its_function_output(self):
        outputs = [m["state"]["outputs"] for m in self.models().values() if m["model_name"] == "OutputModel"]
        shown = [o["data"]["text/plain"] for outs in outputs for o in outs if o.get("output_type") == "display_data"]
        # k = [1, 5] starts at the middle (3); act defaults to the first option; flip to false.
        self.assertIn("relu:3", shown)
        names = sorted(m["model_name"] for m in self.models().values() if m["state"].get("description") in ("k", "act", "flip"))
        self.assertEqual(names, ["CheckboxModel", "DropdownModel", "IntSliderModel"])


if __name__ == "__main__":
    unittest.main()
