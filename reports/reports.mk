# SPDX-License-Identifier: GPL-2.0-only
# The published compat-gap report of the reference kernel, from the committed fixtures and
# the known-gaps baseline. `make check` (.ci/stages/40-reports.sh) fails when it is stale.

REPORT_PUB	:= reports/$(KVER)
KNOWN_GAPS	:= $(FIXTURES)/known-gaps

.PHONY: report-kernel gate-kernel
report-kernel: $(VFCONFORM)
	@$(VFCONFORM) report $(FIXTURES)/type1.json $(FIXTURES)/compat.json \
		--baseline $(KNOWN_GAPS) --cases cases --clients reports/real-clients-$(KVER).md \
		--out $(REPORT_PUB)

# The CI gate on the committed fixtures: 0 equal, 1 new gap, 2 a gap disappeared.
gate-kernel: $(VFCONFORM)
	@$(VFCONFORM) gate $(FIXTURES)/type1.json $(FIXTURES)/compat.json --baseline $(KNOWN_GAPS)
