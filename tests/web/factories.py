"""Known real values from the bundled data, used across the web tests."""

from __future__ import annotations

#: A live Liverpool postcode and the LSOA 2021 it is in (ONSPD, exact method).
LIVE_POSTCODE = "L1 8JQ"
LIVE_POSTCODE_LSOA21 = "E01033756"
LIVE_POSTCODE_LSOA21_NAME = "Liverpool 061C"
#: A terminated Chester postcode (terminated June 2020).
TERMINATED_POSTCODE = "CH1 1AA"
#: Well-formed, but outside the bundled Cheshire & Merseyside postcodes.
UNKNOWN_POSTCODE = "SW1A 1AA"
#: A Wirral postcode: real, but its LSOA is not in the test subset (Halton + Liverpool).
NOT_LOADED_POSTCODE = "CH41 5LB"
#: A Halton LSOA 2011 code that was split in 2021.
SPLIT_LSOA11 = "E01012428"
HALTON = "E06000006"
LIVERPOOL = "E08000012"
HOSTILE = "<script>alert(1)</script>"
#: A Liverpool postcode whose 2021 LSOA was placed approximately (point in polygon).
APPROX_POSTCODE = "L1 0BU"
APPROX_POSTCODE_LSOA21 = "E01034408"
