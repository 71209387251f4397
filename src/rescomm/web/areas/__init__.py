"""Geography reference data kept in the database: LSOA 2021 areas, local authorities, IMD 2025."""
