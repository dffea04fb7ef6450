"""The demo's dossier and agency: shared by ``sohoa demo`` and the app's screenshot mode."""

from __future__ import annotations

from pathlib import Path
from typing import Any

DEMO_DOSSIER = {
    "code": "H15.50.05.13-261008-0975",
    "procedure_code": "1.001757",
    "procedure_name": "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
    "owner_type": "person",
    "owner_id": "001099012345",
    "owner_name": "Nguyễn Văn An",
}
DEMO_AGENCY = "UBND xã Mẫu Sơn"
DEMO_DEVICE = "test:0"
DEMO_PAGES = 10
DEMO_HSM_LABEL = "SoHoa Demo"


def make_demo_token(folder: Path, pin: str) -> Any:
    """A throwaway SoftHSM2 token (a real PKCS#11 module) with a key made on it and a demo CA."""
    from sohoa.signing.softhsm import create_token

    token = create_token(folder, label=DEMO_HSM_LABEL, pin=pin, common_name="Cán bộ Một Cửa (demo)")
    token.activate()
    return token
