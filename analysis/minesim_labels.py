"""Readable names of the datasets of a run file, for figure axes, legends and titles.

One table, ``LABELS`` (dataset name -> what it measures, without units), serves every
script. A name the table lacks is described by its dataset's ``description`` attribute;
units always come from the dataset's ``units`` attribute, and a dimensionless quantity
(units "1") gets none::

    label("damaged_ha", "ha")        # 'Damaged land (ha)'
    label("S_mean", "1")             # 'Life satisfaction S (mean)'
    label("new_series", "yuan", "Money spent on X this step.")
                                     # 'Money spent on X this step (yuan)'

Standard library only.
"""

__all__ = ["LABELS", "label", "quantity", "unit_text", "with_units"]

#: Dataset name -> readable name of what it measures (no units). Time series of
#: docs/output-format.md first, then panel fields (/panel/households) and survey statistics.
LABELS = {
    # Land and mines
    "damaged_ha": "Damaged land",
    "restoring_ha": "Land under restoration",
    "restored_ha": "Restored land",
    "cumulative_damaged_ha": "Land ever damaged",
    "farmland_damaged_ha": "Damaged farmland",
    "restoration_rate": "Restoration rate, all mines",
    "restoration_rate_legacy": "Restoration rate, legacy mines",
    "restoration_rate_active": "Restoration rate, active mines",
    "restoration_started_ha": "Restoration started",
    "restoration_established_ha": "Restoration established",
    "restoration_spending_yuan": "Restoration spending",
    "restoration_cost_yuan_per_ha": "Restoration cost, learning curve",
    "net_restoration_cost_yuan_per_ha": "Net restoration cost since the start",
    "carbon_sink_t_co2": "Cumulative carbon sequestration",
    "carbon_revenue_yuan": "Carbon credit revenue",
    "green_land_ha": "Restored land in green use",
    "mines_active": "Mines producing",
    "mines_halted": "Mines halted by petitions",
    # Perceptions and satisfaction
    "E_mean": "Economic-environment perception E (mean)",
    "P_mean": "Ecological perception P (mean)",
    "C_mean": "Compensation satisfaction C (mean)",
    "R_mean": "Restoration expectation R (mean)",
    "S_mean": "Life satisfaction S (mean)",
    "S_p10": "Life satisfaction S (10th percentile)",
    "S_p50": "Life satisfaction S (median)",
    "S_p90": "Life satisfaction S (90th percentile)",
    "informed_mean": "Information level (mean)",
    "air_quality_mean": "Air quality (mean)",
    "water_quality_mean": "Water quality (mean)",
    "vegetation_mean": "Vegetation cover (mean)",
    # Income and work
    "income_mean_yuan": "Mean household income",
    "income_gini": "Gini coefficient of income",
    "employment_mining": "Households in mining jobs",
    "employment_green": "Households in green jobs",
    "employment_agriculture": "Households farming only",
    "unemployed": "Households unemployed",
    # Money
    "fiscal_spending_yuan": "Government spending",
    "fiscal_balance_yuan": "Cumulative government restoration balance",
    "social_capital_invested_yuan": "Social-capital (PPP) spending",
    "enterprise_cash_yuan": "Enterprise cash",
    "enterprise_payout_yuan": "Enterprise payouts to owners",
    "county_legacy_restoration_yuan": "County co-funding of legacy restoration",
    "dividends_paid_yuan": "Development-right dividends paid",
    "compensation_paid_yuan": "Compensation paid, all payers",
    "compensation_paid_enterprise_yuan": "Compensation paid by enterprises",
    "compensation_paid_local_gov_yuan": "Compensation paid by local governments",
    "compensation_paid_state_yuan": "Compensation paid by the state",
    "compensation_paid_social_capital_yuan": "Compensation paid by social capital",
    "fines_yuan": "Fines paid",
    "deposits_forfeited_yuan": "Restoration deposits forfeited",
    # Negotiation, disputes, participation
    "negotiations": "Negotiation rounds",
    "agreements": "Agreements reached",
    "disputes_open": "Open disputes",
    "dispute_rate": "Dispute rate",
    "settlement_months_mean": "Mean settlement time",
    "unsettled_claim_share": "Unsettled claims (share)",
    "claims_awaiting_payment": "Agreed claims awaiting payment",
    "compensation_gini": "Gini coefficient of compensation",
    "compensation_ratio_gini": "Gini coefficient of received over official compensation",
    "negotiation_index_mean": "Village negotiation index (mean)",
    "participation_share": "Households participating (share)",
    "petitioning_share": "Households petitioning (share)",
    "stability_pressure": "Stability pressure",
    # Supervision
    "compliance_share": "Enterprises complying (share)",
    "rating_A": "Enterprises rated A",
    "rating_B": "Enterprises rated B",
    "rating_C": "Enterprises rated C",
    "rating_D": "Enterprises rated D",
    "reports": "Shirking mines reported",
    "strict_supervision_share": "Governments supervising strictly (share)",
    "inspections": "Inspections",
    "detections": "Violations detected",
    # Game mode
    "share_enterprises_restoring": "Enterprises restoring (share)",
    "share_governments_strict": "Governments supervising strictly (share)",
    "share_residents_monitoring": "Residents monitoring (share)",
    # Panel fields (/panel/households)
    "E": "Economic-environment perception E",
    "P": "Ecological perception P",
    "C": "Compensation satisfaction C",
    "R": "Restoration expectation R",
    "S": "Life satisfaction S",
    "income_yuan_per_year": "Household income",
    "informed": "Information level",
    "damaged_land_ha": "Damaged farmland",
    "received_yuan": "Compensation received",
    # Survey statistics (/survey/step_NNNN)
    "alpha": "Cronbach's alpha",
    "kmo": "Kaiser-Meyer-Olkin measure",
    "bartlett_statistic": "Bartlett's chi-square",
    "bartlett_df": "Bartlett's degrees of freedom",
    "bartlett_p": "Bartlett's p-value",
    "indirect_effect": "Indirect effect P -> C -> S",
}

#: Units that mean "dimensionless": no unit is shown.
DIMENSIONLESS = {"", "1", "-", "none", "dimensionless"}


def unit_text(units):
    """The unit as shown on an axis: '' for a dimensionless quantity or none given."""
    if units is None:
        return ""
    if isinstance(units, bytes):
        units = units.decode("utf-8", errors="replace")
    units = str(units).strip()
    return "" if units.lower() in DIMENSIONLESS else units


def _sentence(description):
    """A description attribute as a label: one line, no final full stop."""
    text = " ".join(str(description).split())
    return text[:-1] if text.endswith(".") else text


def quantity(name, description=None):
    """What ``name`` measures, without units: the table's entry, else the dataset's
    description, else the name with spaces for underscores."""
    if name in LABELS:
        return LABELS[name]
    if description:
        return _sentence(description)
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def with_units(text, units):
    """``text (units)``, or ``text`` alone for a dimensionless quantity."""
    unit = unit_text(units)
    return f"{text} ({unit})" if unit else text


def label(name, units=None, description=None):
    """Readable axis or legend label of dataset ``name`` with its units, e.g.
    'Damaged land (ha)'; dimensionless quantities (units "1") get no unit."""
    return with_units(quantity(name, description), units)
