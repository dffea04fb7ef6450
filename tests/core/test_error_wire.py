"""One way for a typed error to cross a process boundary: the core's wire form (and pickling)."""

from __future__ import annotations

import json
import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor

import pytest

from sohoa.core.errors import InputError, SoHoaError, from_wire, to_wire
from sohoa.core.i18n import Text


def _raise_in_child() -> None:
    from sohoa.capture.errors import FeederEmptyError

    raise FeederEmptyError(device="test:0", count=3)


def test_a_subclass_comes_back_as_itself_with_its_sentence() -> None:
    from sohoa.capture.errors import NoDeviceError

    error = NoDeviceError(device="test:7")
    back = from_wire(json.loads(json.dumps(to_wire(error))))
    assert type(back) is NoDeviceError and back.message("vi") == error.message("vi")


def test_an_instance_sentence_survives() -> None:
    error = InputError(Text(vi="Tệp {name} hỏng", en="The file {name} is broken"), name="a.pdf")
    back = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert type(back) is InputError and back.message("vi") == "Tệp a.pdf hỏng" and str(back) == str(error)


def test_a_class_with_its_own_constructor_is_rebuilt() -> None:
    from reference_repository.checks import Rejected

    back = pickle.loads(pickle.dumps(Rejected(422, "not_pdf", "not a PDF", "không phải PDF")))  # noqa: S301 - our own bytes
    assert isinstance(back, Rejected) and (back.status, back.code, back.vi) == (
        422,
        "not_pdf",
        "không phải PDF",
    )


def test_a_module_outside_the_app_is_never_imported() -> None:
    back = from_wire({"module": "os", "cls": "system", "params": {}})
    assert type(back) is SoHoaError and "os.system" in str(back)
    back = from_wire({"module": "sohoa.core.errors", "cls": "ExitCode", "params": {}})
    assert type(back) is SoHoaError


def test_an_error_raised_in_a_spawned_process_arrives_whole() -> None:
    from sohoa.capture.errors import FeederEmptyError

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        with pytest.raises(FeederEmptyError) as err:
            pool.submit(_raise_in_child).result()
    assert err.value.params["device"] == "test:0"
