import net from 'node:net'
let ok=0, closed=0, err=0
const held=[]
for (let i=0;i<80;i++){
  await new Promise(r=>{const s=net.connect('/tmp/uxt/b.sock'); s.on('connect',()=>{ok++;held.push(s);r()}); s.on('error',(e)=>{err++; r()}); s.on('close',()=>closed++); s.resume()})
}
await new Promise(r=>setTimeout(r,1000))
console.log({ok,closed,err})
process.exit(0)
