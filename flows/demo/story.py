"""What the synthetic demo data says: county sizes, indicator profiles and the story for Wuyi.

Only `bipin demo-data` reads this. The numbers are invented but shaped like the real thing:
sizes follow each county's rough GDP (亿元), indicators scale with size, growth rates sit
a few percent around a provincial mean, and Wuyi's story is written in as constraints.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

SEED = 20240201
FIRST_PERIOD = date(2024, 2, 1)  # 2024年1-2月, the first table the demo writes

FOCUS = "wuyi"
CITY_GROUP_PARENT = "jinhua"  # the focus county's city: its table is the XLSX one
OVERTAKE_TARGET = "tiantai"
LEARN_FROM = "yiwu"

# Printing order of Jinhua's bulletin (not the division-code order).
CITY_TABLE_ORDER = ("wucheng", "jindong", "lanxi", "dongyang", "yiwu", "yongkang", "pujiang", "wuyi", "panan")
# From 2025 Jinhua's tables print 金义新区 where 金东区 stood.
RENAMED_IN_CITY_TABLE = {"jindong": (date(2025, 1, 1), "金义新区")}

# Wuyi's fixed-asset investment growth is in Jinhua's top three in every period.
STREAK_INDICATOR = "fixed_asset_investment"
# Indicators on which Wuyi is strong: in Jinhua's top three except for an occasional slip.
STRONG_INDICATORS = (
    "fixed_asset_investment", "industrial_investment", "manufacturing_investment", "private_investment",
    "hightech_investment", "industrial_value_added", "new_product_output", "equipment_mfg_value_added",
    "online_retail", "exports", "trade_total", "electricity_industrial", "tax_revenue", "services_revenue",
)
STRONG_SLIP_PROBABILITY = 0.15
# Elsewhere Wuyi is an ordinary county, a little below the middle (its draws move by this many of the
# indicator's growth_sd): about 15 of its 32 monthly indicators in Jinhua's top three, none last on everything.
ORDINARY_SHIFT_SD = -0.6
# The seed's quarterly headline: GDP growth about 22nd of the province's 90 and 4th of Jinhua's 9.
STANDING_INDICATOR = "gdp"
STANDING_PROVINCE_RANK = 22
STANDING_CITY_RANK = 4
# Indicators on which Wuyi overtakes Tiantai (in the mountainous-county group) in the last N periods.
OVERTAKES = {"industrial_value_added": 3, "retail_sales": 2, "budget_revenue": 1, "industrial_loss_share": 2}
# Targets (config/targets.yaml, synthetic): Wuyi's growth on this indicator runs ahead of its annual
# target until 1-5月 and falls behind it from 1-6月 on, every year. The target is config's; a test keeps
# the two equal.
TARGET_SLIP_INDICATOR = "retail_sales"
TARGET_SLIP_GROWTH = 3.0
TARGET_SLIP_FROM_MONTH = 6
# Cells that never go missing or get printed oddly, so the story reads the same in every file.
PROTECTED_PLACES = (FOCUS, OVERTAKE_TARGET)

# Revision: the month `REVISION_LAG` periods before the last is re-issued with these changes
# (place, indicator, growth change in percentage points; the value follows the growth).
REVISION_LAG = 3
REVISION_CHANGES = (("wuyi", "industrial_output", 0.8), ("yiwu", "exports", -1.4), ("panan", "electricity_total", 2.1))

MISSING_PROBABILITY = 0.003   # cells printed as a missing marker (—, …) in the province CSV
FULL_WIDTH_PROBABILITY = 0.004  # cells printed with full-width digits (１２．３)


@dataclass(frozen=True)
class Profile:
    """How one indicator behaves: size per 亿元 of GDP, growth mean and spread in %."""

    scale: float
    growth_mean: float
    growth_sd: float
    per_capita: bool = False  # per-capita values do not scale with county size


DEFAULT_PROFILE = Profile(scale=0.3, growth_mean=5.0, growth_sd=4.0)
PROFILES = {
    "industrial_value_added": Profile(0.35, 7.0, 3.0),
    "industrial_output": Profile(1.4, 6.0, 4.0),
    "industrial_sales": Profile(1.35, 5.5, 4.0),
    "new_product_output": Profile(0.5, 9.0, 6.0),
    "hightech_industry_value_added": Profile(0.2, 8.0, 5.0),
    "equipment_mfg_value_added": Profile(0.15, 9.0, 5.0),
    "strategic_emerging_value_added": Profile(0.12, 9.0, 5.0),
    "digital_core_mfg_value_added": Profile(0.05, 10.0, 8.0),
    "industrial_profit": Profile(0.08, 4.0, 12.0),
    "industrial_loss_share": Profile(14.0, 0.0, 3.0, per_capita=True),  # a share in %, not a flow
    "fixed_asset_investment": Profile(0.45, 5.0, 5.0),
    "industrial_investment": Profile(0.12, 8.0, 8.0),
    "manufacturing_investment": Profile(0.1, 8.0, 9.0),
    "private_investment": Profile(0.25, 3.0, 6.0),
    "hightech_investment": Profile(0.07, 9.0, 10.0),
    "transport_investment": Profile(0.05, 6.0, 15.0),
    "infrastructure_investment": Profile(0.1, 5.0, 8.0),
    "real_estate_investment": Profile(0.12, -6.0, 10.0),
    "retail_sales": Profile(0.45, 5.0, 2.0),
    "wholesale_retail_sales": Profile(1.2, 6.0, 5.0),
    "online_retail": Profile(0.6, 10.0, 6.0),
    "trade_total": Profile(0.8, 8.0, 8.0),
    "exports": Profile(0.6, 9.0, 8.0),
    "imports": Profile(0.2, 3.0, 12.0),
    "fdi_utilised": Profile(15.0, 5.0, 25.0),
    "fiscal_total_revenue": Profile(0.14, 3.0, 4.0),
    "budget_revenue": Profile(0.08, 3.5, 4.0),
    "tax_revenue": Profile(0.068, 2.5, 5.0),
    "budget_expenditure": Profile(0.12, 4.0, 6.0),
    "electricity_total": Profile(1250.0, 6.0, 3.0),
    "electricity_industrial": Profile(880.0, 6.5, 4.0),
    "deposits": Profile(1.6, 9.0, 2.5),
    "loans": Profile(1.5, 10.0, 2.5),
    "services_revenue": Profile(0.25, 8.0, 5.0),
    "gdp": Profile(1.0, 5.5, 1.2),
    "urban_disposable_income": Profile(70000.0, 4.8, 0.6, per_capita=True),
    "rural_disposable_income": Profile(42000.0, 6.2, 0.7, per_capita=True),
}
# Where a county is far bigger than its GDP suggests (Yiwu's small-commodity trade).
SPECIALTIES = {
    ("yiwu", "trade_total"): 6.0, ("yiwu", "exports"): 7.0, ("yiwu", "online_retail"): 5.0,
    ("yiwu", "wholesale_retail_sales"): 3.0, ("yongkang", "exports"): 1.8, ("cixi", "exports"): 1.5,
}

# Rough 2023 GDP in 亿元: sets every county's size (Yiwu and Cixi big, Panan and Jingning small).
SIZES = {
    "shangcheng": 2700, "gongshu": 1700, "xihu": 2500, "binjiang": 2300, "xiaoshan": 2300, "yuhang": 2900,
    "fuyang": 1000, "linan": 680, "linping": 900, "qiantang": 1100, "tonglu": 500, "chunan": 300, "jiande": 480,
    "haishu": 1700, "jiangbei": 900, "beilun": 2600, "zhenhai": 1300, "yinzhou": 2900, "fenghua": 800,
    "xiangshan": 720, "ninghai": 960, "yuyao": 1600, "cixi": 2600,
    "lucheng": 1300, "longwan": 780, "ouhai": 900, "dongtou": 150, "yongjia": 600, "pingyang": 700,
    "cangnan": 500, "wencheng": 150, "taishun": 140, "ruian": 1300, "yueqing": 1500, "longgang": 400,
    "nanhu": 850, "xiuzhou": 800, "jiashan": 900, "haiyan": 650, "haining": 1300, "pinghu": 1100, "tongxiang": 1300,
    "wuxing": 800, "nanxun": 550, "deqing": 700, "changxing": 900, "anji": 600,
    "yuecheng": 1100, "keqiao": 1900, "shangyu": 1300, "xinchang": 550, "zhuji": 1650, "shengzhou": 750,
    "wucheng": 650, "jindong": 500, "wuyi": 400, "pujiang": 330, "panan": 140, "lanxi": 560, "yiwu": 2050,
    "dongyang": 800, "yongkang": 800,
    "kecheng": 430, "qujiang": 350, "changshan": 210, "kaihua": 190, "longyou": 320, "jiangshan": 400,
    "dinghai": 800, "putuo": 650, "daishan": 600, "shengsi": 170,
    "jiaojiang": 800, "huangyan": 700, "luqiao": 800, "sanmen": 320, "tiantai": 380, "xianju": 300,
    "wenling": 1400, "linhai": 1000, "yuhuan": 850,
    "liandu": 600, "qingtian": 380, "jinyun": 340, "suichang": 210, "songyang": 200, "yunhe": 110,
    "qingyuan": 100, "jingning": 100, "longquan": 210,
}

# Share of the year's total reached by the end of each month (ytd flows); 1-2月 is one period.
MONTH_WEIGHTS = {1: 0.07, 2: 0.07, 3: 0.085, 4: 0.08, 5: 0.082, 6: 0.09, 7: 0.078, 8: 0.078, 9: 0.085,
                 10: 0.08, 11: 0.085, 12: 0.117}
QUARTER_SHARES = {3: 0.23, 6: 0.48, 9: 0.73, 12: 1.0}
