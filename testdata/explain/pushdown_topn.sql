select n_name, r_name
from nation, region
where n_regionkey = r_regionkey and r_name = 'ASIA'
order by n_name
limit 3
