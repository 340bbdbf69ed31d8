#!/usr/bin/env python3
"""broadsheet's own generator of a synthetic Chinese newspaper corpus.

    python3 scripts/gen_corpus.py DIR --articles N --sections S --issues D [--seed X]
                                      [--layout section|issue]

Writes DIR/content/ (replacing it). Every article is a Markdown file with YAML
front matter -- title, unquoted `date`, `authors` list, `section` (the Chinese
section name), `tags`, `summary` and `description` (same text) -- and a body
of 6-15 paragraphs of news prose with occasional `### ` subheadings, a bullet
list, an inline link, bold text and a blockquote.

Layouts:

* `section` (default): the shape of ../shared/bench/gen_corpus.py, so Hugo and
  Zola can build it: `content/_index.md`, `content/<section-slug>/_index.md`
  (title, `sort_by: date`) and `content/<section-slug>/<YYYYMMDD>-<NNNNNN>.md`.
* `issue`: broadsheet's native layout, one folder per printed issue:
  `content/<YYYY-MM-DD>/<NN>-<slug>.md`, with `issue` (the issue date),
  `order` (position in print order, 1-based, = NN), `page` (a string such as
  "A03": sections appear on pages in their fixed order) and `section`.

Both layouts draw the same articles for the same arguments (the layout only
changes where they are written and the extra fields), and the output is a
pure function of the arguments: one seeded `random.Random`, no clock, no
set/dict-order dependence. The prose pools are broadsheet's own, so the text
differs from the shared generator's; the statistics (lengths, frequencies of
headings, lists, links, quotes) are of the same order.
"""

import argparse
import datetime
import os
import random
import shutil
import sys

# (name, slug, weight): front-page news and the economy run more pieces.
DESKS = [
    ("要闻", "yaowen", 6), ("时政", "shizheng", 4), ("经济", "jingji", 5),
    ("城市", "chengshi", 4), ("社会", "shehui", 4), ("文化", "wenhua", 3),
    ("体育", "tiyu", 3), ("科技", "keji", 3), ("教育", "jiaoyu", 3),
    ("健康", "jiankang", 2), ("国际", "guoji", 3), ("评论", "pinglun", 2),
]

PROSE = [
    "记者近日从市有关部门了解到，今年以来各项重点工作进展顺利，主要指标均好于预期。",
    "会议强调，要坚持稳中求进工作总基调，统筹推进发展和安全，确保全年目标任务顺利完成。",
    "截至目前，全市已累计完成投资一千二百余亿元，占年度计划的百分之五十三。",
    "按照计划，该项目将于明年六月底前完工，届时将有效缓解周边片区的交通压力。",
    "在一家新落户的电子企业里，工人们正忙着调试设备，首条生产线预计下月投产。",
    "企业负责人介绍，从签约到开工只用了不到两个月，审批效率让他们感到意外。",
    "据了解，该区今年计划为群众办理十件实事，目前已有六件完成或基本完成。",
    "家住附近的刘大爷告诉记者：“过去下雨天路上都是积水，现在再也不用绕道走了。”",
    "社区工作人员挨家挨户走访，登记居民的实际需求，建立了一户一档的服务台账。",
    "新建成的口袋公园虽然面积不大，却成了周边居民饭后散步、孩子们玩耍的好去处。",
    "活动现场人头攒动，非遗传承人现场展示剪纸、面塑等传统技艺，引来不少市民驻足观看。",
    "本次音乐节共邀请了二十余支乐队登台演出，三天时间吸引观众近五万人次。",
    "这座始建于上世纪初的老建筑经过修缮后重新对外开放，成为市民了解城市历史的窗口。",
    "今年上半年，全市接待国内外游客同比增长百分之十八，旅游总收入突破六百亿元。",
    "港口集装箱码头上，桥吊林立、车辆穿梭，一艘万吨级货轮正在进行装卸作业。",
    "统计数据显示，前五个月全市外贸进出口总额同比增长百分之九点六，其中出口增长明显。",
    "研发团队历时四年，攻克了多项关键技术难题，产品性能达到国际先进水平。",
    "该实验室已与二十多所高校和科研院所建立合作关系，累计转化科技成果一百余项。",
    "随着人工智能技术加快应用，越来越多的传统企业开始尝试数字化、智能化改造。",
    "气象部门提醒，未来三天我市以多云天气为主，午后局部地区可能出现雷阵雨。",
    "公安交警部门将在重点路段增派警力，加强对酒驾、超速等违法行为的查处。",
    "应急管理部门组织开展了防汛应急演练，进一步检验了各部门的协同处置能力。",
    "市疾控中心提示，夏季是肠道传染病高发期，市民要注意饮食卫生，不吃生冷变质食物。",
    "该医院开通了老年患者绿色通道，为行动不便的老人提供陪诊和代办服务。",
    "全市新建改扩建中小学和幼儿园三十所，新增学位两万余个，将于秋季开学前投入使用。",
    "高考期间，全市各考点周边将实施交通管制，并安排医护人员现场值守。",
    "在当天举行的比赛中，东道主选手发挥出色，最终以明显优势夺得冠军。",
    "全民健身运动会已连续举办十届，今年共设置二十个比赛项目，参与群众超过十万人次。",
    "据外媒报道，多国代表当天在会议上就气候变化、能源转型等议题展开讨论。",
    "专家分析认为，全球经济复苏仍面临诸多不确定因素，各方应加强政策协调。",
    "两国企业在展会期间签署合作协议十余项，涉及新能源、港口物流、医药健康等领域。",
    "评论员指出，城市治理既要有“大手笔”，也要有“绣花功”，让城市更有温度。",
    "民生无小事，枝叶总关情；办好一件件小事，才能汇聚成群众满意的大事。",
    "抓落实贵在一个“实”字，既要敢于担当，也要善于作为，防止形式主义。",
    "农业农村部门组织专家团队深入田间，指导农民做好夏收夏种和病虫害防治。",
    "借助电商平台，当地的海产品、茶叶等特色农产品销往全国二十多个省份。",
    "海边湿地的生态修复工程完成后，前来栖息的候鸟种类由原来的几十种增加到一百多种。",
    "今年以来，全市新能源汽车保有量突破二十万辆，公共充电桩数量同比翻了一番。",
    "金融监管部门表示，将引导银行机构加大对科技型企业的信贷投放，降低融资成本。",
    "夜幕降临，老街上的灯笼次第亮起，小吃摊前排起了长队，烟火气扑面而来。",
    "图书馆新推出的“城市书房”项目，已在全市布点四十处，全天候免费向市民开放。",
    "志愿者服务队成立五年来，累计开展活动一千余场，服务群众超过三万人次。",
    "这项政策实施后，预计每年可为中小企业减轻负担约十五亿元，惠及市场主体八万余户。",
    "市场监管部门对辖区内的商超、餐饮单位开展突击检查，共检查经营主体三百余家。",
    "下一步，相关部门将继续完善配套政策，确保各项措施落地见效。",
]

BULLETS = [
    "新增城市绿地五十公顷", "建成智慧停车场二十处", "改造雨污管网一百二十公里",
    "开设社区食堂四十家", "新增公交专用道三十公里", "培育高新技术企业三百家",
    "建设人才公寓五千套", "新增义务教育学位一万个", "开展职业技能培训三万人次",
    "整治背街小巷一百条", "建成全民健身中心八处", "实现二级以上医院检查结果互认",
]

HEADINGS = [
    "把实事办到心坎上", "跑出项目加速度", "创新引领动能足", "绿色发展底色亮", "治理精细暖民心",
    "开放合作谱新篇", "文化惠民润无声", "安全防线筑得牢", "营商环境再升级", "乡村振兴展新颜",
    "教育公平迈新步", "健康服务更贴心", "消费市场活力足", "人才集聚势头强", "港城联动添新彩",
]

SAYINGS = [
    "群众的需求在哪里，我们的工作就延伸到哪里。",
    "今年我们的订单已经排到了年底，对未来的发展很有信心。",
    "只要大家一起努力，没有迈不过去的坎。",
    "我们要让每一位来这里投资的企业家都愿意留下来。",
    "孩子在家门口就能上好学校，这是我们最大的心愿。",
    "保护好这片海，就是保护好我们子孙后代的家园。",
]

LINK_LABELS = ["延伸阅读", "专题报道", "政策解读", "图片新闻", "数据发布", "现场视频"]

# Headline parts with an ASCII rendering, so that the `issue` layout can give
# readable file slugs (as broadsheet's transliterating slugger would).
PLACES = [
    ("全市", "quanshi"), ("西海岸新区", "xihaian"), ("市南区", "shinan"), ("市北区", "shibei"),
    ("崂山区", "laoshan"), ("李沧区", "licang"), ("城阳区", "chengyang"), ("即墨区", "jimo"),
    ("胶州", "jiaozhou"), ("平度", "pingdu"), ("莱西", "laixi"), ("高新区", "gaoxin"),
    ("港区", "gangqu"), ("老城区", "laochengqu"),
]
VERBS = [
    ("加速推进", "jiasu-tuijin"), ("全面启动", "quanmian-qidong"), ("深入开展", "shenru-kaizhan"),
    ("持续优化", "chixu-youhua"), ("创新探索", "chuangxin-tansuo"), ("扎实推动", "zhashi-tuidong"),
    ("提速建设", "tisu-jianshe"),
]
TOPICS = [
    ("城市更新", "chengshi-gengxin"), ("产业升级", "chanye-shengji"), ("民生工程", "minsheng-gongcheng"),
    ("文旅融合", "wenlv-ronghe"), ("科技创新", "keji-chuangxin"), ("生态修复", "shengtai-xiufu"),
    ("社区治理", "shequ-zhili"), ("港口物流", "gangkou-wuliu"), ("乡村振兴", "xiangcun-zhenxing"),
    ("教育提质", "jiaoyu-tizhi"), ("健康服务", "jiankang-fuwu"), ("全民健身", "quanmin-jianshen"),
    ("对外开放", "duiwai-kaifang"), ("营商环境", "yingshang-huanjing"),
]
ENDINGS = ["", "", "", "成效显著", "再上台阶", "按下快进键", "亮点纷呈", "蹄疾步稳"]

FAMILY = list("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段")
GIVEN = list("嘉怡子涵浩然宇轩欣妍梓萱俊杰思远雨桐晓峰海燕建华志强丽娟明辉文博晨曦若楠立伟春燕国栋秀兰亚男振宇")

KEYWORDS = [
    "民生", "城市更新", "营商环境", "科技创新", "乡村振兴", "文旅", "教育", "医疗",
    "交通", "生态", "就业", "港口", "制造业", "数字经济", "消费", "安全",
    "体育", "国际", "社区", "养老", "食品安全", "海洋", "人才", "志愿服务",
]

LAST_ISSUE = datetime.date(2024, 5, 24)


def desks(count):
    """The first `count` desks; beyond the twelve dailies, numbered specials."""
    out = list(DESKS[:count])
    for k in range(1, count - len(DESKS) + 1):
        out.append(("专版%d" % k, "zhuanban-%d" % k, 2))
    return out


def quoted(text):
    """A YAML double-quoted scalar."""
    return '"%s"' % text.replace("\\", "\\\\").replace('"', '\\"')


class Writer:
    """Draws articles from one seeded random stream."""

    def __init__(self, seed):
        self.rnd = random.Random(seed)

    def name(self):
        r = self.rnd
        n = 2 if r.random() < 0.7 else 1
        return r.choice(FAMILY) + "".join(r.choice(GIVEN) for _ in range(n))

    def prose(self, low, high, exclude=()):
        """Whole sentences totalling between `low` and `high` characters."""
        r = self.rnd
        goal = r.randint(low, high)
        chosen = []
        size = 0
        tries = 0
        while size < goal and tries < 300:
            tries += 1
            s = r.choice(PROSE)
            if s in chosen or s in exclude:
                continue
            if size + len(s) > high and size >= low:
                break
            if size + len(s) > high:
                continue
            chosen.append(s)
            size += len(s)
        return chosen

    def headline(self):
        r = self.rnd
        place, verb, topic = r.choice(PLACES), r.choice(VERBS), r.choice(TOPICS)
        end = r.choice(ENDINGS)
        text = place[0] + verb[0] + topic[0] + ((" " + end) if end else "")
        return text, "-".join((place[1], verb[1], topic[1]))

    def body(self, day, number):
        r = self.rnd
        count = r.randint(6, 15)
        paras = []
        previous = []
        for _ in range(count):
            sentences = self.prose(80, 250, previous)
            previous = sentences
            paras.append("".join(sentences))
        paras[0] = "本报%d月%d日讯 %s" % (day.month, day.day, paras[0])
        if r.random() < 0.3:
            k = r.randint(1, count - 1)
            paras[k] += "（[%s](https://epaper.example.cn/%d/%07d.html)）" % (
                r.choice(LINK_LABELS), day.year, number * 104729 % 10000000)
        if r.random() < 0.2:
            k = r.randint(0, count - 1)
            comma = paras[k].find("，")
            if comma > 4:
                paras[k] = "**%s**%s" % (paras[k][:comma], paras[k][comma:])
        heads = {}
        if r.random() < 0.4:
            slots = r.sample(range(2, count), min(r.randint(1, 3), count - 2))
            for slot, text in zip(sorted(slots), r.sample(HEADINGS, len(slots))):
                heads[slot] = text
        bullets_after = r.randint(1, count - 1) if r.random() < 0.3 else None
        quote_after = r.randint(1, count - 1) if r.random() < 0.25 else None
        blocks = []
        for k, p in enumerate(paras):
            if k in heads:
                blocks.append("### " + heads[k])
            blocks.append(p)
            if k == bullets_after:
                blocks.append("\n".join("- %s；" % b for b in r.sample(BULLETS, r.randint(3, 5))))
            if k == quote_after:
                blocks.append("> “%s”" % r.choice(SAYINGS))
        return "\n\n".join(blocks) + "\n"

    def article(self, number, day, desk):
        """A dict with the fields of one article (body included)."""
        r = self.rnd
        title, slug = self.headline()
        authors = [self.name() for _ in range(r.choices([1, 2, 3], [6, 3, 1])[0])]
        tags = r.sample(KEYWORDS, r.randint(1, 4))
        summary = "".join(self.prose(40, 90))
        return {
            "number": number, "date": day, "desk": desk, "title": title, "slug": slug,
            "authors": authors, "tags": tags, "summary": summary,
            "body": self.body(day, number),
        }


def render(a, extra_lines=()):
    lines = ["---", "title: " + quoted(a["title"]), "date: " + a["date"].isoformat()]
    lines.extend(extra_lines)
    lines.append("authors:")
    lines.extend("  - " + quoted(x) for x in a["authors"])
    lines.append("section: " + quoted(a["desk"][0]))
    lines.append("tags:")
    lines.extend("  - " + quoted(x) for x in a["tags"])
    lines.append("summary: " + quoted(a["summary"]))
    lines.append("description: " + quoted(a["summary"]))
    lines.append("---")
    return "\n".join(lines) + "\n\n" + a["body"]


def write(path, text):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def draw(n_articles, n_sections, n_issues, seed):
    """All articles, oldest issue first, each issue an equal share."""
    w = Writer(seed)
    table = desks(n_sections)
    weights = [d[2] for d in table]
    first = LAST_ISSUE - datetime.timedelta(days=n_issues - 1)
    out = []
    for number in range(n_articles):
        day = first + datetime.timedelta(days=number * n_issues // n_articles)
        desk = w.rnd.choices(table, weights)[0]
        out.append(w.article(number, day, desk))
    return table, out


def write_section_layout(content, table, articles):
    write(os.path.join(content, "_index.md"), '---\ntitle: "数字报"\n---\n')
    for name, slug, _ in table:
        os.makedirs(os.path.join(content, slug))
        write(os.path.join(content, slug, "_index.md"),
              "---\ntitle: %s\nsort_by: date\n---\n" % quoted(name))
    for a in articles:
        fname = "%s-%06d.md" % (a["date"].strftime("%Y%m%d"), a["number"])
        write(os.path.join(content, a["desk"][1], fname), render(a))


def write_issue_layout(content, table, articles):
    rank = {d[1]: i for i, d in enumerate(table)}
    by_day = {}
    for a in articles:
        by_day.setdefault(a["date"], []).append(a)
    for day in sorted(by_day):
        folder = os.path.join(content, day.isoformat())
        os.makedirs(folder)
        # Print order: sections in their fixed order, then arrival order.
        issue = sorted(by_day[day], key=lambda a: (rank[a["desk"][1]], a["number"]))
        pages = {}
        used = set()
        for order, a in enumerate(issue, start=1):
            page = pages.setdefault(a["desk"][1], "A%02d" % (len(pages) + 1))
            slug = a["slug"]
            k = 2
            while slug in used:
                slug = "%s-%d" % (a["slug"], k)
                k += 1
            used.add(slug)
            extra = ["issue: " + day.isoformat(), "order: %d" % order, "page: " + quoted(page)]
            write(os.path.join(folder, "%02d-%s.md" % (order, slug)), render(a, extra))


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--articles", type=int, required=True)
    ap.add_argument("--sections", type=int, default=12)
    ap.add_argument("--issues", type=int, default=None, help="default: articles/30")
    ap.add_argument("--seed", type=int, default=20240524)
    ap.add_argument("--layout", choices=("section", "issue"), default="section")
    a = ap.parse_args(argv)
    issues = a.issues or max(1, a.articles // 30)
    if a.articles < 1 or a.sections < 1 or issues < 1:
        ap.error("--articles, --sections and --issues must be positive")
    table, articles = draw(a.articles, a.sections, issues, a.seed)
    content = os.path.join(a.outdir, "content")
    if os.path.exists(content):
        shutil.rmtree(content)
    os.makedirs(content)
    if a.layout == "section":
        write_section_layout(content, table, articles)
    else:
        write_issue_layout(content, table, articles)
    print("wrote %d articles in %d sections over %d issues to %s (layout %s)"
          % (a.articles, a.sections, issues, content, a.layout))


if __name__ == "__main__":
    main(sys.argv[1:])
