package emulator

import "strconv"

// page cuts items (in creation order, oldest first) into one page following WorkOS's
// cursor rules: order asc|desc|normal (default desc), before/after object ids,
// limit 1-100 (default 10). list_metadata.after is null on the last page.
func (c *call) page(items []Object, render func(Object) any) (any, error) {
	limit := 10
	if s := c.queryParam("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 100 {
			return nil, invalid("limit", "invalid", "limit must be an integer between 1 and 100.")
		}
		limit = n
	}
	order := c.queryParam("order")
	if order == "" {
		order = "desc"
	}
	if order != "asc" && order != "desc" && order != "normal" {
		return nil, invalid("order", "invalid", "order must be one of asc, desc or normal.")
	}
	before, after := c.queryParam("before"), c.queryParam("after")
	if order == "normal" {
		// descending, with before fetching older and after fetching newer records
		before, after = after, before
	}
	seq := make([]Object, len(items))
	if order == "asc" {
		copy(seq, items)
	} else {
		for i, o := range items {
			seq[len(items)-1-i] = o
		}
	}
	index := func(id string) int {
		for i, o := range seq {
			if str(o["id"]) == id {
				return i
			}
		}
		return -2
	}
	var start, end int
	switch {
	case after != "":
		i := index(after)
		if i == -2 {
			return nil, invalid("after", "invalid", "after must be the id of an object in this list: '"+after+"' was not found.")
		}
		start = i + 1
		end = min(start+limit, len(seq))
	case before != "":
		i := index(before)
		if i == -2 {
			return nil, invalid("before", "invalid", "before must be the id of an object in this list: '"+before+"' was not found.")
		}
		end = i
		start = max(0, end-limit)
	default:
		end = min(limit, len(seq))
	}
	if start > end {
		start = end
	}
	data := make([]any, 0, end-start)
	for _, o := range seq[start:end] {
		if render != nil {
			data = append(data, render(o))
		} else {
			data = append(data, public(o))
		}
	}
	var mb, ma any
	if start > 0 && end > start {
		mb = str(seq[start]["id"])
	}
	if end < len(seq) && end > start {
		ma = str(seq[end-1]["id"])
	}
	if order == "normal" {
		mb, ma = ma, mb
	}
	return map[string]any{"object": "list", "data": data, "list_metadata": map[string]any{"before": mb, "after": ma}}, nil
}
