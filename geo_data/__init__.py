"""Every read and download of milo-nomade: official formats, user files, OSM, the demo data."""
