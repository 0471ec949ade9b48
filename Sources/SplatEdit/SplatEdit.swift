// SplatEdit: see docs/DESIGN.md for what this module holds.
