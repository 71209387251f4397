"""ONS Postcode Directory extracts made from the bundled postcodes, with official field names."""

from __future__ import annotations

import pandas as pd

from rescomm.data import load_postcodes

#: A subset of the real ONSPD column order (the full file has ~50 fields).
ONSPD_HEADER = ["pcd", "pcd2", "pcds", "dointr", "doterm", "oscty", "ced", "oslaua", "osward",
                "usertype", "oseast1m", "osnrth1m", "osgrdind", "ctry", "rgn", "oa11", "lsoa11",
                "msoa11", "lat", "long", "imd", "icb", "oa21", "lsoa21", "msoa21"]


def onspd_frame(lads: list[str], *, with_lsoa21: bool = True) -> pd.DataFrame:
    """Bundled postcodes of ``lads`` as raw ONSPD rows (strings, official field names)."""
    pc = load_postcodes()
    pc = pc[pc["lad_code"].isin(lads)].reset_index(drop=True)
    outward, inward = pc["postcode"].str[:-4], pc["postcode"].str[-3:]
    exact = pc["lsoa21_method"] == "lsoa11_to_lsoa21_one_to_one_or_merge"
    frame = pd.DataFrame({
        "pcd": outward.str.pad(4, side="right") + inward,
        "pcd2": outward.str.pad(4, side="right") + " " + inward,
        "pcds": pc["postcode"],
        "dointr": pc["introduced"],
        "doterm": pc["terminated"],
        "oscty": "E99999999",
        "ced": "E99999999",
        "oslaua": pc["lad_code"].astype(str),
        "osward": "E05000000",
        "usertype": pc["usertype"].astype("string"),  # blank where the bundle has none
        "oseast1m": pc["easting"].astype(str),
        "osnrth1m": pc["northing"].astype(str),
        "osgrdind": "1",
        "ctry": "E92000001",
        "rgn": "E12000002",
        "oa11": pc["oa11_code"],
        "lsoa11": pc["lsoa11_code"],
        "msoa11": pc["msoa11_code"],
        "lat": pc["latitude"].map("{:.6f}".format),
        "long": pc["longitude"].map("{:.6f}".format),
        "imd": "1000",
        "icb": "E54000008",
        "oa21": "E00000000",
        "lsoa21": pc["lsoa21_code"].where(exact, None),
        "msoa21": "E02000000",
    })
    if not with_lsoa21:
        frame = frame.drop(columns=["oa21", "lsoa21", "msoa21"])
    return frame
