import csv, math, sys, collections
def load(path):
    rows = collections.defaultdict(list)
    with open(path) as f:
        for r in csv.DictReader(f):
            rows[r['perturbation']].append((int(r['label']), float(r['probability'])))
    return rows
def auc(pairs):
    pos=[p for l,p in pairs if l==1]; neg=[p for l,p in pairs if l==0]
    allp=sorted([(p,l) for l,p in pairs])
    # rank-based
    ranks={}; i=0; n=len(allp)
    r=[0]*n
    while i<n:
        j=i
        while j+1<n and allp[j+1][0]==allp[i][0]: j+=1
        for k in range(i,j+1): r[k]=(i+j)/2+1
        i=j+1
    sp=sum(r[k] for k in range(n) if allp[k][1]==1)
    return (sp-len(pos)*(len(pos)+1)/2)/(len(pos)*len(neg))
def logloss(pairs):
    s=0
    for l,p in pairs:
        p=min(max(p,1e-7),1-1e-7); s-= math.log(p) if l==1 else math.log(1-p)
    return s/len(pairs)
def rates(pairs,t):
    tp=sum(1 for l,p in pairs if l==1 and p>=t); fn=sum(1 for l,p in pairs if l==1 and p<t)
    tn=sum(1 for l,p in pairs if l==0 and p<t); fp=sum(1 for l,p in pairs if l==0 and p>=t)
    return tp/(tp+fn), tn/(tn+fp)
for name,path,th in [(a.split('=')[0],a.split('=')[1],float(a.split('=')[2])) for a in sys.argv[1:]]:
    rows=load(path); pooled=[x for v in rows.values() for x in v]
    print(f"## {name}  (perturbed threshold {th:.4f})")
    print(f"pooled: n {len(pooled)}  AUC {auc(pooled):.4f}  log-loss {logloss(pooled):.4f}")
    print("| perturbation | AUC | log-loss | mean p NORMAL | sens/spec at 0.5 | sens/spec at perturbed |")
    print("|---|---|---|---|---|---|")
    for k,v in rows.items():
        mn=sum(p for l,p in v if l==0)/sum(1 for l,p in v if l==0)
        s5=rates(v,0.5); st=rates(v,th)
        print(f"| {k} | {auc(v):.4f} | {logloss(v):.4f} | {mn:.3f} | {s5[0]:.3f} / {s5[1]:.3f} | {st[0]:.3f} / {st[1]:.3f} |")
