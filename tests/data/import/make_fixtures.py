"""Writes the import fixture corpus: real-world-shaped CRM exports in the encodings, delimiters
and formats Reallot must read. Run with openpyxl and xlwt installed:
    python3 -m venv /tmp/xl && /tmp/xl/bin/pip install openpyxl xlwt
    /tmp/xl/bin/python tests/data/import/make_fixtures.py
The outputs are committed; this script documents how they were made."""

import datetime
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


# Excel "CSV" on Chinese Windows: GBK, CRLF, a title row above the header, Chinese headers.
customers_gbk = (
    "2024年客户导出（纷享销客）\r\n"
    "客户编号,客户名称,客户类型,渠道,所属区域,城市,负责人,创建时间,线索来源\r\n"
    "C001,\"华联超市, 朝阳店\",大客户,超市,华北,北京,R01,2024/3/5,展会\r\n"
    "C002,好又多便利,小型,便利店,华东,上海,R02,2024年3月6日,电话营销\r\n"
    "C003,鑫隆批发,中型,批发商,华南,广州,R01,2024-03-07 14:30,转介绍\r\n"
)
write("customers_gbk.csv", customers_gbk.encode("gbk"))

# Excel "Unicode text": UTF-16LE with BOM, tab-separated.
leads_utf16 = (
    "线索编号\t创建时间\t线索来源\t所属区域\t负责人\t分配时间\t首次跟进时间\t线索状态\t成交金额\r\n"
    "L001\t2024-03-01 09:00\t展会\t华东\tR01\t2024-03-01 10:00\t2024-03-01 15:00\t赢单\t¥12,000.50\r\n"
    "L002\t2024-03-02 11:00\t官网\t华南\tR02\t2024-03-02 11:30\t\t新建\t\r\n"
)
write("leads_utf16le.txt", b"\xff\xfe" + leads_utf16.encode("utf-16-le"))

# UTF-8 with BOM, quoted newlines, escaped quotes, English headers.
orders_bom = (
    "Order ID,Customer ID,Order Date,Amount,Sales Rep,Channel,Category,Qty\n"
    'O1,C001,2024-04-01,"1,234.50",R01,supermarket,"饮料\n(季节款)",10\n'
    'O2,C002,2024/4/2,1234.5元,R02,convenience,"say ""hi""",3\n'
)
write("orders_utf8_bom.csv", b"\xef\xbb\xbf" + orders_bom.encode("utf-8"))

# Ragged rows and an unclosed quote.
write(
    "orders_ragged.csv",
    (
        "order_id,customer_id,order_date,amount\n"
        "O1,C001,2024-01-01,5\n"
        "O2,C002,2024-01-02\n"
        'O3,"C003,2024-01-03,7\n'
        "O4,C004,2024-01-04,8,extra\n"
    ).encode("utf-8"),
)

# Semicolon (European Excel) and pipe delimiters.
write(
    "reps_semicolon.csv",
    "rep_id;name;team;region;role;capacity\nR01;张伟;KA组;华北;大客户经理;40\nR02;李娜;电销组;华东;电销;120\n".encode(
        "utf-8"
    ),
)
write(
    "campaigns_pipe.txt",
    "活动编号|活动名称|渠道|费用|开始日期|结束日期\nCP1|春节促销|online|¥50,000|2024-01-15|2024-02-15\n".encode(
        "utf-8"
    ),
)

# JSON lines.
write(
    "activities.jsonl",
    (
        '{"跟进记录编号":"A1","跟进人":"R01","关联线索":"L001","跟进时间":"2024-03-01 15:00","跟进方式":"电话"}\n'
        '{"跟进记录编号":"A2","跟进人":"R02","关联线索":"L002","跟进时间":"2024-03-03","跟进方式":"拜访"}\n'
        "not json\n"
    ).encode("utf-8"),
)

# Bytes that are neither UTF-8 nor GBK: a located error.
write("malformed.csv", b"order_id,amount\nO1,\x80\xff\xfe\n")

# XLSX with real date cells (serials with a date format), a float-serial column, numbers
# stored as text, and a second sheet.
import openpyxl  # noqa: E402

wb = openpyxl.Workbook()
ws = wb.active
ws.title = "订单"
ws.append(["订单编号", "客户编号", "下单日期", "订单金额", "数量"])
ws.append(["O1", "C001", datetime.datetime(2024, 3, 5), 1234.5, 10])
ws.append(["O2", "C002", datetime.datetime(2024, 3, 6, 14, 30), "2,000", "3"])
ws.append(["O3", "C003", 45358, "¥99.90", 1])
for row in ws.iter_rows(min_row=2, min_col=3, max_col=3):
    for c in row:
        if isinstance(c.value, datetime.datetime):
            c.number_format = "yyyy-mm-dd hh:mm"
other = wb.create_sheet("客户")
other.append(["客户编号", "客户名称"])
other.append(["C001", "华联超市"])
wb.save(os.path.join(HERE, "orders.xlsx"))

# XLS (BIFF8) with a date cell.
import xlwt  # noqa: E402

book = xlwt.Workbook()
sh = book.add_sheet("reps")
date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
for j, h in enumerate(["销售编号", "姓名", "所属区域", "入职日期"]):
    sh.write(0, j, h)
sh.write(1, 0, "R01")
sh.write(1, 1, "张伟")
sh.write(1, 2, "华北")
sh.write(1, 3, datetime.datetime(2023, 6, 1), date_style)
book.save(os.path.join(HERE, "reps.xls"))
